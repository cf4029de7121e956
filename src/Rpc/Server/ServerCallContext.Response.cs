using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace GovChain.Rpc;

/// <summary>The response side of a call: messages, headers, the final status, and the deadline's own status write.</summary>
public sealed partial class ServerCallContext
{
    internal async Task WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        // The call's own token must always apply: the deadline relies on it to free a blocked flush.
        using var linked = LinkWithCall(cancellationToken);
        var token = linked?.Token ?? CancellationToken;
        await EnterAsync(token).ConfigureAwait(false);
        try
        {
            ThrowIfFinished();
            WriteHeaders();
            MessageWriter.Write(_http.Response.BodyWriter, message, _gzipResponses, _settings.MaxSendMessageBytes);
            if (flush)
            {
                await _http.Response.BodyWriter.FlushAsync(token).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    private Task EnterAsync(CancellationToken cancellationToken)
    {
        if (_writeLock is { } writeLock)
        {
            return writeLock.WaitAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }

    /// <summary>A source linking a handler's own token with the call's, or null when the call's alone will do.</summary>
    internal CancellationTokenSource? LinkWithCall(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled && cancellationToken != CancellationToken
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken)
            : null;

    /// <summary>
    /// Sends the final status: as trailers after the messages, or as a trailers-only response
    /// when nothing was sent. Runs once; later calls do nothing.
    /// </summary>
    internal async Task FinishAsync(Status status, Metadata? trailers, bool complete)
    {
        await EnterAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            RpcMetrics.ServerCallCompleted(status.Code);
            var response = _http.Response;
            if (!_headersWritten && !response.HasStarted)
            {
                WriteTrailersOnly(response, status, _responseHeaders, trailers ?? _responseTrailers);
            }
            else
            {
                WriteHeaders();
                response.AppendTrailer("grpc-status", CodeString(status.Code));
                if (status.Detail.Length > 0)
                {
                    response.AppendTrailer("grpc-message", StatusMessageEncoding.Encode(status.Detail));
                }

                if ((trailers ?? _responseTrailers) is { } custom)
                {
                    foreach (var entry in custom)
                    {
                        response.AppendTrailer(entry.Key, HeaderValue(entry));
                    }
                }
            }

            if (complete)
            {
                await response.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    /// <summary>
    /// Stops the deadline timer and waits for a status write it started, so nothing touches
    /// the HTTP context once the call returns to Kestrel.
    /// </summary>
    internal async Task EndAsync()
    {
        // Disposing the registration waits for a callback already running; none starts after it.
        _deadlineRegistration.Dispose();
        if (_deadlineTask is { } pending)
        {
            await pending.ConfigureAwait(false);
        }
    }

    internal static void WriteTrailersOnly(HttpResponse response, Status status, Metadata? headers, Metadata? trailers)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcWire.ContentType;
        var responseHeaders = response.Headers;
        AppendMetadata(headers, responseHeaders);
        responseHeaders.GrpcStatus = CodeString(status.Code);
        if (status.Detail.Length > 0)
        {
            responseHeaders.GrpcMessage = StatusMessageEncoding.Encode(status.Detail);
        }

        AppendMetadata(trailers, responseHeaders);
    }

    private static string CodeString(StatusCode code) =>
        (uint)code < (uint)CodeStrings.Length ? CodeStrings[(int)code] : ((int)code).ToString(CultureInfo.InvariantCulture);

    private static void AppendMetadata(Metadata? metadata, IHeaderDictionary headers)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var entry in metadata)
        {
            headers.Append(entry.Key, HeaderValue(entry));
        }
    }

    private static string HeaderValue(Metadata.Entry entry) =>
        entry.IsBinary ? GrpcWire.EncodeBinaryHeader(entry.ValueBytes!) : entry.Value!;

    private void OnDeadline()
    {
        _deadlineFired = true;
        RpcLog.DeadlineExceeded(_settings.Logger, Method);
        try
        {
            _callCts?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        _deadlineTask = FinishOnDeadlineAsync();
    }

    private async Task FinishOnDeadlineAsync()
    {
        var finish = FinishAsync(new Status(StatusCode.DeadlineExceeded, "deadline exceeded"), null, complete: true);
        try
        {
            await finish.WaitAsync(DeadlineStatusTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A client that neither reads nor resets keeps the status from going out: reset the stream.
            _http.Abort();
            await finish.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            RpcLog.StatusNotSent(_settings.Logger, Method, ex);
        }
    }

    private void WriteHeaders()
    {
        if (_headersWritten)
        {
            return;
        }

        _headersWritten = true;
        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcWire.ContentType;
        var headers = response.Headers;
        headers.GrpcAcceptEncoding = GrpcWire.SupportedEncodings;
        if (_gzipResponses)
        {
            headers.GrpcEncoding = GrpcWire.GzipEncoding;
        }

        AppendMetadata(_responseHeaders, headers);
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException(_deadlineFired
                ? "the call passed its deadline; no more can be written"
                : "the call has completed; no more can be written");
        }
    }
}

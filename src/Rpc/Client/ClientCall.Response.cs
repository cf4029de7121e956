using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace GovChain.Rpc;

/// <summary>Receiving the response headers, ending the call, and turning transport failures into statuses.</summary>
internal sealed partial class ClientCall<TRequest, TResponse>
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true);

    private PipeReader? _pipe;
    private volatile bool _cancelRequested;

    private async Task ReceiveHeadersAsync(HttpRequestMessage message)
    {
        HttpResponseMessage response;
        try
        {
            response = await _channel.Invoker.SendAsync(message, _token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
        finally
        {
            message.Dispose();
        }

        Volatile.Write(ref _response, response);
        try
        {
            _token.ThrowIfCancellationRequested();
            var headers = response.Headers;
            var headerStatus = ReadStatus(headers);
            if (response.StatusCode != HttpStatusCode.OK || headerStatus is not null)
            {
                // A trailers-only response, or an HTTP error from something that is not a gRPC server.
                var status = headerStatus ?? new Status(
                    GrpcWire.FromHttpStatus(response.StatusCode),
                    $"the server answered HTTP {(int)response.StatusCode} without a gRPC status");
                SetFinal(status, ReadMetadata(headers));
                Cleanup();
                return;
            }

            var contentType = response.Content.Headers.NonValidated.TryGetValues("content-type", out var type) ? type.ToString() : null;
            if (!GrpcWire.IsGrpcContentType(contentType, out var supported) || !supported)
            {
                throw new RpcException(StatusCode.Internal, $"the response content-type '{contentType}' is not gRPC");
            }

            var encoding = headers.NonValidated.TryGetValues(GrpcWire.EncodingHeader, out var enc) ? enc.ToString() : null;
            if (!GrpcWire.IsIdentity(encoding) && !GrpcWire.IsGzip(encoding))
            {
                throw new RpcException(StatusCode.Internal, $"the response grpc-encoding '{encoding}' is not supported");
            }

            var stream = await response.Content.ReadAsStreamAsync(_token).ConfigureAwait(false);
            _pipe = PipeReader.Create(stream, ReaderOptions);
            _reader = new MessageReader(_pipe, _channel.Options.MaxReceiveMessageBytes, GrpcWire.IsGzip(encoding), StatusCode.Internal);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    /// <summary>Records the final status once (an OK may be replaced when the call turns out malformed).</summary>
    private void SetFinal(Status status, Metadata trailers, bool replaceOk = false)
    {
        lock (_statusLock)
        {
            if (_status is null || (replaceOk && _status.Value.Code == StatusCode.OK))
            {
                if (_status is null)
                {
                    RpcMetrics.ClientCallCompleted(status.Code);
                }

                _status = status;
                _trailers = trailers;
                if (status.Code != StatusCode.OK)
                {
                    _requestContent?.Abort(new RpcException(status, trailers));
                }
            }
        }
    }

    private RpcException FinalError() => new(_status!.Value, _trailers!);

    private async Task<Metadata> ReadHeadersAsync()
    {
        await _responseTask.ConfigureAwait(false);
        return Volatile.Read(ref _response) is { } response ? ReadMetadata(response.Headers) : new Metadata();
    }

    /// <summary>Ends the call with the status <paramref name="error"/> stands for, resets the stream and frees it.</summary>
    private RpcException Fail(Exception error)
    {
        SetFinal(_status ?? StatusOf(error), (error as RpcException)?.Trailers ?? new Metadata());
        Cancel();
        Cleanup();
        return FinalError();
    }

    private Status StatusOf(Exception error)
    {
        if (_token.IsCancellationRequested)
        {
            if (_disposed)
            {
                return new Status(StatusCode.Cancelled, "the call was disposed before it completed");
            }

            if (_cancelRequested || _options.CancellationToken.IsCancellationRequested)
            {
                return new Status(StatusCode.Cancelled, "the call was cancelled by the client");
            }

            return new Status(StatusCode.DeadlineExceeded, "deadline exceeded");
        }

        return error switch
        {
            RpcException rpc => rpc.Status,
            HttpRequestException { InnerException: HttpProtocolException protocol } => FromProtocolError(protocol),
            HttpRequestException request => new Status(StatusCode.Unavailable, $"could not reach {_channel.Address}: {request.Message}"),
            HttpProtocolException protocol => FromProtocolError(protocol),
            IOException { InnerException: HttpProtocolException protocol } => FromProtocolError(protocol),
            IOException io => new Status(StatusCode.Unavailable, $"connection to {_channel.Address} failed: {io.Message}"),
            OperationCanceledException or ObjectDisposedException => new Status(StatusCode.Cancelled, "the call was cancelled"),
            _ => new Status(StatusCode.Internal, $"the call failed: {error.Message}"),
        };
    }

    /// <summary>RST_STREAM and GOAWAY codes mapped as the gRPC HTTP/2 specification says.</summary>
    private static Status FromProtocolError(HttpProtocolException error)
    {
        var code = error.ErrorCode switch
        {
            0x7 => StatusCode.Unavailable,        // REFUSED_STREAM: not processed, safe to retry
            0x8 => StatusCode.Cancelled,          // CANCEL
            0xB => StatusCode.ResourceExhausted,  // ENHANCE_YOUR_CALM
            0xC => StatusCode.PermissionDenied,   // INADEQUATE_SECURITY
            _ => StatusCode.Internal,
        };
        return new Status(code, $"HTTP/2 stream error {error.ErrorCode}: {error.Message}");
    }

    private void Cancel()
    {
        _cancelRequested = _cancelRequested || !_token.IsCancellationRequested;
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: the call is over.
        }
    }

    private void OnCancelled()
    {
        _requestContent?.Abort(new OperationCanceledException(_token));
        Volatile.Read(ref _response)?.Dispose();
    }

    private void Cleanup()
    {
        if (Interlocked.Exchange(ref _cleanedUp, 1) == 1)
        {
            return;
        }

        _abortRegistration.Dispose();
        Volatile.Read(ref _response)?.Dispose();
    }

    private static Status? ReadStatus(HttpHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues(GrpcWire.StatusHeader, out var values))
        {
            return null;
        }

        var text = values.ToString();
        var message = headers.NonValidated.TryGetValues(GrpcWire.MessageHeader, out var detail)
            ? StatusMessageEncoding.Decode(detail.ToString())
            : string.Empty;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new Status(StatusCode.Unknown, $"malformed grpc-status '{text}': {message}");
        }

        return new Status(code is >= 0 and <= 16 ? (StatusCode)code : StatusCode.Unknown, message);
    }

    private static Metadata ReadMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        List<byte[]>? decoded = null;
        foreach (var (key, values) in headers.NonValidated)
        {
            var lower = key.ToLowerInvariant();
            if (GrpcWire.IsReservedHeader(lower) || !Metadata.IsValidKey(lower))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (!Metadata.IsBinaryKey(lower))
                {
                    metadata.AddReceived(lower, value, null);
                    continue;
                }

                decoded ??= [];
                decoded.Clear();
                // A malformed binary value from the server is dropped rather than failing the call.
                if (GrpcWire.TryDecodeBinaryHeader(value, decoded))
                {
                    foreach (var bytes in decoded)
                    {
                        metadata.AddReceived(lower, null, bytes);
                    }
                }
            }
        }

        return metadata;
    }
}

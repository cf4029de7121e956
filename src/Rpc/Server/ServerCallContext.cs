using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace GovChain.Rpc;

/// <summary>
/// One call as its handler sees it: request metadata, deadline, cancellation, the peer (and
/// its client certificate under mutual TLS), and the response headers and trailers to send.
/// </summary>
public sealed partial class ServerCallContext
{
    /// <summary>Timeouts longer than this are treated as no deadline (and fit every timer).</summary>
    private static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(30);

    /// <summary>How long the deadline's status may wait on a client that does not read.</summary>
    private static readonly TimeSpan DeadlineStatusTimeout = TimeSpan.FromSeconds(5);

    private static readonly string[] CodeStrings =
        Enumerable.Range(0, 17).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly HttpContext _http;
    private readonly ServerCallSettings _settings;
    private readonly MethodType _methodType;

    /// <summary>
    /// Serializes writes with the deadline's status write. Only calls that can write from two
    /// places (a deadline, or a streaming handler) need it; a plain unary call goes without.
    /// </summary>
    private SemaphoreSlim? _writeLock;
    private CancellationTokenSource? _callCts;
    private CancellationTokenSource? _deadlineCts;
    private Metadata? _requestHeaders;
    private Metadata? _responseHeaders;
    private Metadata? _responseTrailers;
    private bool _headersWritten;
    private bool _finished;
    private bool _gzipResponses;
    private volatile bool _deadlineFired;
    private Task? _deadlineTask;
    private CancellationTokenRegistration _deadlineRegistration;
    private string? _peer;

    internal ServerCallContext(HttpContext http, IMethod method, ServerCallSettings settings)
    {
        _http = http;
        _settings = settings;
        Method = method.FullName;
        _methodType = method.Type;
    }

    /// <summary>The called path, <c>/package.Service/Method</c>.</summary>
    public string Method { get; }

    /// <summary>The caller's deadline (UTC), or null when it set none.</summary>
    public DateTime? Deadline { get; private set; }

    /// <summary>Fires when the client cancels, the deadline passes, or the server stops.</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>The peer's address in gRPC's form: <c>ipv4:127.0.0.1:5000</c> or <c>ipv6:[::1]:5000</c>.</summary>
    public string Peer => _peer ??= FormatPeer(_http.Connection.RemoteIpAddress, _http.Connection.RemotePort);

    public IPAddress? RemoteIpAddress => _http.Connection.RemoteIpAddress;

    /// <summary>The certificate the client presented under mutual TLS (already checked against the trusted set), else null.</summary>
    public X509Certificate2? ClientCertificate => _http.Connection.ClientCertificate;

    /// <summary>Custom metadata the client sent (reserved and transport headers left out).</summary>
    public Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders(_http.Request.Headers);

    /// <summary>Custom metadata to send as response headers; sent with the first message, or with the status.</summary>
    public Metadata ResponseHeaders => _responseHeaders ??= new Metadata();

    /// <summary>Custom metadata to send with the final status.</summary>
    public Metadata ResponseTrailers => _responseTrailers ??= new Metadata();

    internal bool DeadlineFired => _deadlineFired;

    internal MessageReader Reader { get; private set; } = null!;

    /// <summary>Sends the response headers now, before any message.</summary>
    public async Task WriteResponseHeadersAsync()
    {
        await EnterAsync(CancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFinished();
            WriteHeaders();
            await _http.Response.BodyWriter.FlushAsync(CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    /// <summary>Frees the call's timers and lock; the dispatcher's job, never a handler's.</summary>
    internal void Release()
    {
        // Waits for a deadline callback that is running, so nothing touches the call after this.
        _deadlineRegistration.Dispose();
        _deadlineCts?.Dispose();
        _callCts?.Dispose();
        _writeLock?.Dispose();
    }

    /// <summary>Reads the call's protocol headers; a status other than OK rejects the call before its handler runs.</summary>
    internal Status Start()
    {
        var headers = _http.Request.Headers;
        var encoding = headers.GrpcEncoding.ToString();
        bool gzipRequests;
        if (GrpcWire.IsIdentity(encoding))
        {
            gzipRequests = false;
        }
        else if (GrpcWire.IsGzip(encoding))
        {
            gzipRequests = true;
        }
        else
        {
            return new Status(StatusCode.Unimplemented, $"grpc-encoding '{encoding}' is not supported; supported: {GrpcWire.SupportedEncodings}");
        }

        _gzipResponses = _settings.CompressResponses && GrpcWire.AcceptsGzip(headers.GrpcAcceptEncoding.ToString());
        Reader = new MessageReader(_http.Request.BodyReader, _settings.MaxReceiveMessageBytes, gzipRequests, StatusCode.InvalidArgument);

        TimeSpan? timeout = null;
        var timeoutHeader = headers.GrpcTimeout;
        if (!StringValues.IsNullOrEmpty(timeoutHeader))
        {
            if (timeoutHeader.Count != 1 || !GrpcTimeout.TryParse(timeoutHeader[0], out var parsed))
            {
                return new Status(StatusCode.Internal, $"malformed grpc-timeout '{timeoutHeader}'");
            }

            if (parsed < MaxDeadline)
            {
                timeout = parsed;
            }
        }

        if (timeout is not null || _methodType is MethodType.ServerStreaming or MethodType.DuplexStreaming)
        {
            _writeLock = new SemaphoreSlim(1, 1);
        }

        _callCts = CancellationTokenSource.CreateLinkedTokenSource(_http.RequestAborted, _settings.Stopping);
        CancellationToken = _callCts.Token;
        if (timeout is { } t)
        {
            Deadline = DateTime.UtcNow + t;
            _deadlineCts = new CancellationTokenSource(t);
            _deadlineRegistration = _deadlineCts.Token.UnsafeRegister(static state => ((ServerCallContext)state!).OnDeadline(), this);
        }

        return Status.Ok;
    }

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

    private static Metadata ReadRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        List<byte[]>? decoded = null;
        foreach (var (key, values) in headers)
        {
            var lower = key.ToLowerInvariant();
            if (GrpcWire.IsReservedHeader(lower) || !Metadata.IsValidKey(lower))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                if (Metadata.IsBinaryKey(lower))
                {
                    decoded ??= [];
                    decoded.Clear();
                    if (!GrpcWire.TryDecodeBinaryHeader(value, decoded))
                    {
                        throw new RpcException(StatusCode.InvalidArgument, $"metadata '{lower}' is not valid base64");
                    }

                    foreach (var bytes in decoded)
                    {
                        metadata.AddReceived(lower, null, bytes);
                    }
                }
                else
                {
                    metadata.AddReceived(lower, value, null);
                }
            }
        }

        return metadata;
    }

    private static string FormatPeer(IPAddress? address, int port) => address switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6 } when address.IsIPv4MappedToIPv6 =>
            $"ipv4:{address.MapToIPv4()}:{port}",
        { AddressFamily: AddressFamily.InterNetworkV6 } => $"ipv6:[{address}]:{port}",
        _ => $"ipv4:{address}:{port}",
    };
}

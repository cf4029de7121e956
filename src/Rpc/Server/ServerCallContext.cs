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

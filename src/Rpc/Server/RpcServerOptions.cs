using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace GovChain.Rpc;

/// <summary>How an <see cref="RpcServer"/> listens and what it accepts.</summary>
public sealed class RpcServerOptions
{
    /// <summary>The address to bind; loopback by default.</summary>
    public IPAddress Host { get; set; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one (read it from <see cref="RpcServer.Port"/> after start).</summary>
    public int Port { get; set; }

    /// <summary>Plaintext h2c (the default, for loopback development), TLS, or mutual TLS.</summary>
    public ServerSecurity Security { get; set; } = ServerSecurity.Plaintext;

    /// <summary>Largest request message accepted (after decompression); larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = GrpcWire.DefaultMaxMessageBytes;

    /// <summary>Largest response message a handler may send; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageBytes { get; set; } = GrpcWire.DefaultMaxMessageBytes;

    /// <summary>Compress responses with gzip for clients that accept it.</summary>
    public bool CompressResponses { get; set; }

    /// <summary>Concurrent calls per HTTP/2 connection; clients open more connections beyond it.</summary>
    public int MaxConcurrentStreamsPerConnection { get; set; } = 256;

    /// <summary>Open connections at most; further ones wait in the listen backlog.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// Idle time before the server PINGs a client; a client that does not answer within
    /// <see cref="KeepAlivePingTimeout"/> is dropped, so half-open connections do not hold streams forever.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long <see cref="RpcServer.StopAsync"/> lets calls in flight finish before it cuts them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Maps extra plain HTTP endpoints (e.g. GET /metrics and /healthz) onto the same server;
    /// gRPC requests never reach them.
    /// </summary>
    public Action<IEndpointRouteBuilder>? MapRoutes { get; set; }

    /// <summary>
    /// When set, also listens on this port (0 = free port) with plain HTTP/1.1 for the extra
    /// routes, because scrapers such as Prometheus do not speak h2c. gRPC is refused there.
    /// </summary>
    public int? Http1Port { get; set; }

    /// <summary>
    /// Per-client shares and slow-connection timeouts (see <see cref="ClientLimits"/>); null
    /// leaves them off, for a listener whose every client is an authenticated peer.
    /// </summary>
    public ClientLimits? ClientLimits { get; set; }

    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Host);
        ArgumentNullException.ThrowIfNull(Security);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSendMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxReceiveMessageBytes, int.MaxValue - GrpcWire.FrameHeaderLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxSendMessageBytes, int.MaxValue - GrpcWire.FrameHeaderLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentStreamsPerConnection, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAlivePingDelay, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAlivePingTimeout, TimeSpan.FromSeconds(1));
        ClientLimits?.Validate();
    }
}

/// <summary>Transport security of a server.</summary>
public sealed class ServerSecurity
{
    private ServerSecurity(X509Certificate2? certificate, X509Certificate2Collection? trustedClients)
    {
        Certificate = certificate;
        TrustedClientCertificates = trustedClients;
    }

    /// <summary>HTTP/2 over plain TCP (h2c with prior knowledge). For loopback development only.</summary>
    public static ServerSecurity Plaintext { get; } = new(null, null);

    public X509Certificate2? Certificate { get; }

    /// <summary>Set for mutual TLS: a client must present one of these, or a certificate issued by one.</summary>
    public X509Certificate2Collection? TrustedClientCertificates { get; }

    public bool IsTls => Certificate is not null;

    /// <summary>TLS with the given server certificate (which must hold its private key).</summary>
    public static ServerSecurity Tls(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the server certificate must hold its private key", nameof(certificate));
        }

        return new ServerSecurity(certificate, null);
    }

    /// <summary>Mutual TLS: a client without a certificate in (or issued by one in) <paramref name="trustedClients"/> is refused during the handshake.</summary>
    public static ServerSecurity MutualTls(X509Certificate2 certificate, X509Certificate2Collection trustedClients)
    {
        ArgumentNullException.ThrowIfNull(trustedClients);
        if (trustedClients.Count == 0)
        {
            throw new ArgumentException("mutual TLS needs at least one trusted client certificate", nameof(trustedClients));
        }

        var tls = Tls(certificate);
        return new ServerSecurity(tls.Certificate, [.. trustedClients]);
    }
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Server;

/// <summary>Where and how a <see cref="GrpcEndpoint"/> listens and what it accepts.</summary>
public sealed class GrpcEndpointOptions
{
    /// <summary>The address and port to bind; port 0 picks a free one (read it from <see cref="GrpcEndpoint.Port"/> once started).</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Plaintext h2c (loopback development), TLS, or mutual TLS.</summary>
    public ServerSecurity Security { get; set; } = ServerSecurity.Plaintext;

    /// <summary>Concurrent calls per HTTP/2 connection; clients open more connections beyond it.</summary>
    public int MaxStreamsPerConnection { get; set; } = 256;

    /// <summary>Open connections at most; further ones wait in the listen backlog.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// Per-client shares and slow-connection timeouts; null leaves them off, for a listener whose
    /// every client is an authenticated peer.
    /// </summary>
    public ClientLimits? ClientLimits { get; set; }

    /// <summary>When set, also listens on this port (0 = free) with plain HTTP/1.1, for scrapers that do not speak h2c.</summary>
    public int? Http1Port { get; set; }

    /// <summary>How long stopping lets calls in flight finish before it cuts them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The per-address counters behind <see cref="ClientLimits"/>, shared with the call interceptor.</summary>
    internal ClientCallLimiter? Limiter { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoint);
        ArgumentNullException.ThrowIfNull(Security);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreamsPerConnection, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ClientLimits?.Validate();
    }
}



namespace GovChain.Grpc.Server;

/// <summary>
/// What one client (one remote IP address) may hold on a server, and how slow a connection
/// may be before it is cut. Global caps alone let one client take every slot; these give each
/// address its share, so a second client is still served while the first is refused.
/// </summary>
public sealed class ClientLimits
{
    /// <summary>Open connections per address; a further one is closed as soon as it is accepted.</summary>
    public int MaxConnectionsPerClient { get; set; } = 32;

    /// <summary>Calls in progress per address, across its connections (unary calls, waits and streams alike).</summary>
    public int MaxConcurrentCallsPerClient { get; set; } = 2048;

    /// <summary>Calls started per second per address, on average (a token bucket).</summary>
    public int RequestsPerSecondPerClient { get; set; } = 5000;

    /// <summary>Calls an address may start at once after being idle (the bucket's size).</summary>
    public int RequestBurstPerClient { get; set; } = 10_000;

    /// <summary>Longest a client may take to send a request's headers (and an HTTP/2 connection its preface).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a connection with no call in progress is kept open.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Slowest a request body may arrive while the server reads it (not applied to client-streamed calls, which idle by design).</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Slowest a client may read what the server sends, so a reader that never reads cannot hold buffers.</summary>
    public int MinResponseBytesPerSecond { get; set; } = 240;

    /// <summary>Time a connection gets before the data rates above are enforced.</summary>
    public TimeSpan DataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest a TLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerClient, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentCallsPerClient, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestsPerSecondPerClient, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestBurstPerClient, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinRequestBodyBytesPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinResponseBytesPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestHeadersTimeout, TimeSpan.FromMilliseconds(100));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAliveTimeout, TimeSpan.FromMilliseconds(100));
        // Kestrel checks data rates once a second, so a grace period must be longer than that.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DataRateGracePeriod, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(TlsHandshakeTimeout, TimeSpan.FromMilliseconds(100));
    }
}

namespace GovChain.Node.Configuration;

/// <summary>
/// Limits of the client API listener (not of the peer listener, whose clients are the
/// genesis departments). A client is one remote IP address: each gets its share of
/// connections, calls, streams and commit waits, and a call beyond a share is refused with
/// RESOURCE_EXHAUSTED naming the limit, while other clients are still served.
/// </summary>
public sealed class ClientApiSettings
{
    /// <summary>Open connections per client address; a further one is closed on accept.</summary>
    public int MaxConnectionsPerClient { get; set; } = 32;

    /// <summary>Concurrent HTTP/2 streams (calls) on one connection.</summary>
    public int MaxStreamsPerConnection { get; set; } = 128;

    /// <summary>Calls in progress per client address, of every kind.</summary>
    public int MaxConcurrentCallsPerClient { get; set; } = 2048;

    /// <summary>Calls started per second per client address, on average.</summary>
    public int RequestsPerSecondPerClient { get; set; } = 5000;

    /// <summary>Calls a client address may start in a burst after being idle.</summary>
    public int RequestBurstPerClient { get; set; } = 10_000;

    /// <summary>Block and event streams per client address.</summary>
    public int MaxStreamsPerClient { get; set; } = 32;

    /// <summary>Block and event streams on the node, all clients together.</summary>
    public int MaxConcurrentStreams { get; set; } = 1024;

    /// <summary>WaitForTransaction calls waiting per client address.</summary>
    public int MaxWaitersPerClient { get; set; } = 1024;

    /// <summary>WaitForTransaction calls waiting on the node, all clients together.</summary>
    public int MaxConcurrentWaiters { get; set; } = 100_000;

    /// <summary>Longest a client may take to send a request's headers or an HTTP/2 preface (slowloris).</summary>
    public int RequestHeadersTimeoutMs { get; set; } = 10_000;

    /// <summary>Longest an idle connection (no call in progress) is kept.</summary>
    public int KeepAliveTimeoutMs { get; set; } = 120_000;

    /// <summary>Slowest a request body may arrive, after the grace period.</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Slowest a client may read responses (a stream reader that never reads is cut), after the grace period.</summary>
    public int MinResponseBytesPerSecond { get; set; } = 240;

    public int DataRateGracePeriodMs { get; set; } = 5000;

    public int TlsHandshakeTimeoutMs { get; set; } = 10_000;
}

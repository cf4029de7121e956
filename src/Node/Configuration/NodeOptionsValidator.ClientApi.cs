namespace GovChain.Node.Configuration;

public static partial class NodeOptionsValidator
{
    private static void ValidateClientApi(List<string> p, ClientApiSettings c)
    {
        InRange(p, "ClientApi:MaxConnectionsPerClient", c.MaxConnectionsPerClient, 1, 100_000);
        InRange(p, "ClientApi:MaxStreamsPerConnection", c.MaxStreamsPerConnection, 1, 10_000);
        InRange(p, "ClientApi:MaxConcurrentCallsPerClient", c.MaxConcurrentCallsPerClient, 1, 1_000_000);
        InRange(p, "ClientApi:RequestsPerSecondPerClient", c.RequestsPerSecondPerClient, 1, 10_000_000);
        InRange(p, "ClientApi:RequestBurstPerClient", c.RequestBurstPerClient, 1, 10_000_000);
        InRange(p, "ClientApi:MaxConcurrentStreams", c.MaxConcurrentStreams, 1, 1_000_000);
        InRange(p, "ClientApi:MaxStreamsPerClient", c.MaxStreamsPerClient, 1, c.MaxConcurrentStreams);
        InRange(p, "ClientApi:MaxConcurrentWaiters", c.MaxConcurrentWaiters, 1, 10_000_000);
        InRange(p, "ClientApi:MaxWaitersPerClient", c.MaxWaitersPerClient, 1, c.MaxConcurrentWaiters);
        InRange(p, "ClientApi:RequestHeadersTimeoutMs", c.RequestHeadersTimeoutMs, 100, 600_000);
        InRange(p, "ClientApi:KeepAliveTimeoutMs", c.KeepAliveTimeoutMs, 100, 3_600_000);
        InRange(p, "ClientApi:MinRequestBodyBytesPerSecond", c.MinRequestBodyBytesPerSecond, 1, int.MaxValue);
        InRange(p, "ClientApi:MinResponseBytesPerSecond", c.MinResponseBytesPerSecond, 1, int.MaxValue);

        // Kestrel checks data rates once a second: a shorter grace would cut every connection.
        InRange(p, "ClientApi:DataRateGracePeriodMs", c.DataRateGracePeriodMs, 1001, 600_000);
        InRange(p, "ClientApi:TlsHandshakeTimeoutMs", c.TlsHandshakeTimeoutMs, 100, 600_000);
    }
}

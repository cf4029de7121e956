using GovChain.Grpc.ClientApi;
using GovChain.Grpc.Server;
using GovChain.Node.Configuration;

namespace GovChain.Grpc.Hosting;

/// <summary>How the node's client API settings map onto the listener's limits and the service's.</summary>
public static class ClientApiSettingsExtensions
{
    /// <summary>The listener's share of these settings.</summary>
    public static ClientLimits ToClientLimits(this ClientApiSettings settings) => new()
    {
        MaxConnectionsPerClient = settings.MaxConnectionsPerClient,
        MaxConcurrentCallsPerClient = settings.MaxConcurrentCallsPerClient,
        RequestsPerSecondPerClient = settings.RequestsPerSecondPerClient,
        RequestBurstPerClient = settings.RequestBurstPerClient,
        RequestHeadersTimeout = TimeSpan.FromMilliseconds(settings.RequestHeadersTimeoutMs),
        KeepAliveTimeout = TimeSpan.FromMilliseconds(settings.KeepAliveTimeoutMs),
        MinRequestBodyBytesPerSecond = settings.MinRequestBodyBytesPerSecond,
        MinResponseBytesPerSecond = settings.MinResponseBytesPerSecond,
        DataRateGracePeriod = TimeSpan.FromMilliseconds(settings.DataRateGracePeriodMs),
        TlsHandshakeTimeout = TimeSpan.FromMilliseconds(settings.TlsHandshakeTimeoutMs),
    };

    /// <summary>The client API service's share of these settings.</summary>
    public static ClientApiOptions ToServiceOptions(this ClientApiSettings settings) => new()
    {
        MaxConcurrentStreams = settings.MaxConcurrentStreams,
        MaxStreamsPerClient = settings.MaxStreamsPerClient,
        MaxConcurrentWaiters = settings.MaxConcurrentWaiters,
        MaxWaitersPerClient = settings.MaxWaitersPerClient,
    };
}

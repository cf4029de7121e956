using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Server;

/// <summary>How <see cref="ClientLimits"/> map onto Kestrel: its timeouts and data rates, and a connection middleware counting connections per address.</summary>
internal static class ClientLimitsKestrel
{
    public static void Apply(KestrelServerLimits limits, ClientLimits client)
    {
        limits.RequestHeadersTimeout = client.RequestHeadersTimeout;
        limits.KeepAliveTimeout = client.KeepAliveTimeout;

        // A client that dribbles a body, or never reads its responses, is cut after the grace
        // period instead of holding a stream's buffers and a call slot for ever. Calls whose
        // request is a stream switch the request rate off for themselves (GrpcDispatcher).
        limits.MinRequestBodyDataRate = new MinDataRate(client.MinRequestBodyBytesPerSecond, client.DataRateGracePeriod);
        limits.MinResponseDataRate = new MinDataRate(client.MinResponseBytesPerSecond, client.DataRateGracePeriod);
    }

    public static void LimitConnectionsPerClient(ListenOptions listen, ClientCallLimiter limiter, ILogger logger) =>
        listen.Use(next => async connection =>
        {
            var address = ClientCallLimiter.Normalize((connection.RemoteEndPoint as IPEndPoint)?.Address);
            if (!limiter.TryOpenConnection(address))
            {
                // Nothing is spoken yet on this connection, so no status can be sent: closing it is the answer.
                ServerLog.ConnectionRefused(logger, address.ToString());
                ServerMetrics.ClientRefused("connections");
                connection.Abort();
                return;
            }

            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                limiter.CloseConnection(address);
            }
        });
}

using GovChain.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GovChain.Grpc.Peers;

/// <summary>The <c>govchain.v1.Peer</c> service of a <see cref="GrpcPeerNetwork"/> on an endpoint of its own or beside other services.</summary>
public static class PeerEndpoint
{
    /// <summary>An endpoint serving only the peer service; <paramref name="options"/> should trust exactly the genesis departments (<see cref="PeerTransport.CreateServerSecurity"/>).</summary>
    public static GrpcEndpoint Create(GrpcPeerNetwork network, GrpcEndpointOptions options, int maxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(network);
        return GrpcEndpoint.Create(
            options,
            services =>
            {
                services.AddStrictGrpc(o =>
                {
                    o.MaxReceiveMessageSize = maxMessageBytes;
                    o.MaxSendMessageSize = maxMessageBytes;
                });
                AddService(services, network);
            },
            app => Map(app));
    }

    /// <summary>Registers the network's one service instance (its sessions live in it).</summary>
    public static void AddService(IServiceCollection services, GrpcPeerNetwork network) => services.AddSingleton(network.PeerService);

    public static void Map(WebApplication app) => app.MapGrpcService<PeerService>();
}

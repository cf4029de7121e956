using GovChain.Node.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Hosting;

/// <summary>Composition of a node into a generic host, as one <see cref="IServiceCollection"/> module.</summary>
public static class NodeHostingExtensions
{
    /// <summary>
    /// Adds the node (built from <paramref name="options"/> when the host starts) and the hosted
    /// service that starts and stops it. <paramref name="configure"/> adds the node's extra gRPC
    /// services; the host's logger factory and time provider (when registered) are used.
    /// </summary>
    public static IServiceCollection AddGovChainNode(
        this IServiceCollection services,
        NodeOptions options,
        Func<PeerNetworkContext, Network.IPeerNetwork> peerNetworkFactory,
        Action<GovChainNodeSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(peerNetworkFactory);
        services.AddSingleton(options);
        services.AddSingleton(sp =>
        {
            var settings = new GovChainNodeSettings
            {
                PeerNetworkFactory = peerNetworkFactory,
                LoggerFactory = sp.GetService<ILoggerFactory>(),
                Time = sp.GetService<TimeProvider>(),
            };
            configure?.Invoke(settings);
            return GovChainNode.Create(options, settings);
        });
        services.AddHostedService(sp => new NodeHostedService(sp.GetRequiredService<GovChainNode>(), sp.GetService<IHostApplicationLifetime>()));
        return services;
    }

    /// <summary>A host for one node: console logs (single line, UTC timestamps), graceful stop on SIGTERM/Ctrl+C.</summary>
    public static IHost BuildNodeHost(
        NodeOptions options,
        Func<PeerNetworkContext, Network.IPeerNetwork> peerNetworkFactory,
        Action<GovChainNodeSettings>? configure = null,
        LogLevel minimumLevel = LogLevel.Information)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(minimumLevel);
        // Kestrel logs every request at Information: one line per peer message stream and client
        // call would bury the node's own events. Its warnings and errors still come through.
        builder.Logging.AddFilter("Microsoft.AspNetCore", level => level >= LogLevel.Warning && level >= minimumLevel);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddGovChainNode(options, peerNetworkFactory, configure);
        return builder.Build();
    }
}

using GovChain.ByzantineNode;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Started like the real node ('node run --config FILE'), so the fault tests' process harness
// runs it in a department's folder with that department's configuration, key and certificate.
var at = Array.IndexOf(args, "--config");
if (at < 0 || at + 1 >= args.Length)
{
    await Console.Error.WriteLineAsync("usage: GovChain.ByzantineNode node run --config FILE");
    return 2;
}

NodeOptions options;
try
{
    options = NodeOptionsLoader.Load(args[at + 1]);
}
catch (NodeConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

GrpcPeerNetwork? honest = null;
using var host = NodeHostingExtensions.BuildNodeHost(
    options,
    context =>
    {
        honest = StandardNode.CreatePeerNetwork(context) as GrpcPeerNetwork
            ?? throw new NodeConfigurationException("The Byzantine node needs peers to lie to.");
        var key = context.Identity.ValidatorKey ?? throw new NodeConfigurationException("The Byzantine node needs its validator key.");
        return new EquivocatingPeerNetwork(honest, key, context.Identity.Genesis.ChainId, context.LoggerFactory.CreateLogger<EquivocatingPeerNetwork>());
    },
    settings =>
    {
        StandardNode.AddServices(settings);
        // StandardNode hosts the peer service only for a bare GrpcPeerNetwork; this one is wrapped.
        settings.PeerServices.Add(_ => honest?.Service);
    });
await host.RunAsync();
return 0;

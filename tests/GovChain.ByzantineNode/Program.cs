using GovChain.ByzantineNode;
using GovChain.ByzantineNode.Attacks;
using GovChain.Core.Hashing;
using GovChain.Grpc.Hosting;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Grpc.Peers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Started like the real node ('node run --config FILE'), so the fault tests' process harness
// runs it in a department's folder with that department's configuration, key and certificate.
// '--mode NAME' picks the misbehaviour; without it the node equivocates (Equivocation.cs).
const string Usage = "usage: GovChain.ByzantineNode node run --config FILE [--mode equivocation|" + AttackModes.Names + "]";
var at = Array.IndexOf(args, "--config");
if (at < 0 || at + 1 >= args.Length)
{
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}

var modeAt = Array.IndexOf(args, "--mode");
var mode = modeAt >= 0 && modeAt + 1 < args.Length ? args[modeAt + 1] : "equivocation";
Attack? attack = null;
if (mode != "equivocation" && (attack = AttackModes.Create(mode)) is null)
{
    await Console.Error.WriteLineAsync($"unknown mode '{mode}'; {Usage}");
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
        var key = context.Identity.ValidatorKey ?? throw new NodeConfigurationException("The Byzantine node needs its validator key.");
        var genesis = context.Identity.Genesis;
        if (attack is null)
        {
            honest = StandardNode.CreatePeerNetwork(context) as GrpcPeerNetwork
                ?? throw new NodeConfigurationException("The Byzantine node needs peers to lie to.");
            return new EquivocatingPeerNetwork(honest, key, genesis.SigningChainId, context.LoggerFactory.CreateLogger<EquivocatingPeerNetwork>());
        }

        // Built here rather than by StandardNode so that the network reports the attack's height.
        var handler = new ReportingPeerHandler(context.Handler, attack);
        var transport = context.Identity.Certificate is { } certificate ? PeerTransport.MutualTls(certificate) : PeerTransport.Plaintext;
        honest = new GrpcPeerNetwork(genesis, context.Identity.Department.Id, key, handler, transport, context.Time, context.LoggerFactory);
        var validators = genesis.Validators.Validators.Select(v => new Hash32(v.PublicKey.Span)).ToArray();
        var logger = context.LoggerFactory.CreateLogger("GovChain.ByzantineNode");
        return new AttackingPeerNetwork(honest, handler, attack, network => new AttackContext(network, key, genesis.ChainId, genesis.SigningChainId, validators, () => handler.HonestHeight, logger));
    },
    // StandardNode finds the peer service only on a bare GrpcPeerNetwork; this one is wrapped.
    settings => StandardNode.AddServices(settings, _ => honest));
await host.RunAsync();
return 0;

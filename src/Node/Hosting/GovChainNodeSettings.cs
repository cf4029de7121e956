using GovChain.Core.Crypto;
using GovChain.Node.Configuration;
using GovChain.Node.Metrics;
using GovChain.Node.Network;
using GovChain.Storage;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Hosting;

/// <summary>What the peer network implementation is given to build itself for one node.</summary>
/// <remarks>
/// <see cref="Handler"/> is the node's <see cref="IPeerHandler"/> as the network must be built
/// and started with it: the network exists before the rest of the node, so this one forwards to
/// the node once it is complete.
/// </remarks>
public sealed record PeerNetworkContext(
    NodeOptions Options,
    NodeIdentity Identity,
    NodeMetrics Metrics,
    ILoggerFactory LoggerFactory,
    TimeProvider Time,
    IPeerHandler Handler)
{
    /// <summary>The committed membership the network starts from (genesis's on a fresh database).</summary>
    public Membership? Membership { get; init; }
}

/// <summary>How a <see cref="GovChainNode"/> is assembled beyond its configuration.</summary>
public sealed class GovChainNodeSettings
{
    /// <summary>Builds the node's peer network (gRPC between processes, in-memory in tests).</summary>
    public required Func<PeerNetworkContext, IPeerNetwork> PeerNetworkFactory { get; init; }

    /// <summary>
    /// Builds the node's listeners (the gRPC edge: client API, peer service, health, metrics),
    /// called once after every component exists; started before the peer network dials and
    /// stopped after it. Null runs the node without any (in-process tests that need no sockets).
    /// </summary>
    public Func<GovChainNode, INodeServer>? Server { get; set; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock of timers and block times; the system clock when null.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Uses this key instead of reading the key file (tests and embedders; the caller keeps ownership).</summary>
    public KeyPair? ValidatorKey { get; init; }

    /// <summary>
    /// Opens the node's database instead of the one the options name (embedders; tests that run a
    /// node on a store that fails). Given the storage options from the configuration; the node
    /// owns and disposes what it returns.
    /// </summary>
    public Func<StorageOptions, NodeDatabase>? OpenDatabase { get; set; }
}

using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Network;
using Microsoft.Extensions.Logging;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>What an attack works with: the honest peer network underneath, the node's key and chain, and its real height.</summary>
internal sealed class AttackContext(IPeerNetwork network, KeyPair key, string chainId, string signingId, IReadOnlyList<Hash32> validators, Func<ulong> height, ILogger logger)
{
    /// <summary>The honest network: what is sent here leaves as it is.</summary>
    public IPeerNetwork Network { get; } = network;

    public KeyPair Key { get; } = key;

    public Hash32 Self { get; } = new(key.PublicKey);

    public string ChainId { get; } = chainId;

    /// <summary>What votes and proposals sign: the chain id bound to its genesis hash.</summary>
    public string SigningId { get; } = signingId;

    /// <summary>Every genesis validator's key, this node's included.</summary>
    public IReadOnlyList<Hash32> Validators { get; } = validators;

    public ILogger Logger { get; } = logger;

    /// <summary>This node's real committed height.</summary>
    public ulong Height => height();

    /// <summary>The validator keys of the peers, in the network's order.</summary>
    public IReadOnlyList<Hash32> PeerKeys() => Network.Peers.Select(p => p.ValidatorKey).ToArray();
}

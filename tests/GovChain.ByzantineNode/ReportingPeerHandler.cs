using GovChain.ByzantineNode.Attacks;
using GovChain.Core.Hashing;
using GovChain.Node.Mempool;
using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.ByzantineNode;

/// <summary>
/// The node's peer handler as the honest network sees it, except for the height: the network
/// tells peers (in its handshake and status reports) whatever height the attack chooses.
/// </summary>
internal sealed class ReportingPeerHandler(IPeerHandler node, Attack attack) : IPeerHandler
{
    public ulong Height => attack.ReportedHeight(node.Height);

    /// <summary>The height the node really committed.</summary>
    public ulong HonestHeight => node.Height;

    public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message) => node.OnConsensusMessage(fromValidator, message);

    public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions) => node.OnTransactions(fromValidator, transactions);

    public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight) => node.ReadBlocks(fromHeight, toHeight);

    public void OnPeerHeight(Hash32 validator, ulong height) => node.OnPeerHeight(validator, height);
}

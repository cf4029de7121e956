using GovChain.Core.Hashing;
using GovChain.Node.Mempool;
using GovChain.Protocol;

namespace GovChain.Node.Network;

/// <summary>The node's side of the peer network: what it does with what peers send and ask.</summary>
public interface IPeerHandler
{
    /// <summary>The last committed height, reported to peers (so lagging nodes know to sync).</summary>
    ulong Height { get; }

    /// <summary>
    /// A consensus message from an authenticated peer. Its signatures are checked on the
    /// caller's thread (so each peer pays for its own), then it is queued for the consensus loop
    /// in that peer's own bounded queue; a message whose signature does not verify gets the
    /// peer reported through <see cref="IPeerNetwork.ReportMisbehaviour"/>.
    /// </summary>
    void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message);

    /// <summary>A batch of gossiped transactions; they go through the same admission as client submissions.</summary>
    AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions);

    /// <summary>Committed blocks <paramref name="fromHeight"/>..<paramref name="toHeight"/> for a peer that syncs; at most a bounded number.</summary>
    IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight);

    /// <summary>A peer reported its committed height (on connect and with its messages).</summary>
    void OnPeerHeight(Hash32 validator, ulong height);
}

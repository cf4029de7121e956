using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Node.Network;

/// <summary>
/// What the node needs from its peers, whatever carries it (gRPC with mutual TLS between
/// processes, or an in-memory hub in tests). Sends never block the caller on a slow peer:
/// each peer has a bounded outbound queue, and a full queue drops the oldest consensus
/// message (consensus retransmits) rather than stalling the node.
/// </summary>
public interface IPeerNetwork : IAsyncDisposable
{
    /// <summary>Starts connecting to the peers and delivering what they send to <paramref name="handler"/>.</summary>
    Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken);

    /// <summary>Sends to every connected validator peer.</summary>
    void Broadcast(ConsensusMessage message);

    /// <summary>Sends to the one peer whose validator key is <paramref name="validator"/>; dropped when it is not connected.</summary>
    void SendTo(Hash32 validator, ConsensusMessage message);

    /// <summary>Gossips admitted transactions to the peers, in batches.</summary>
    void Gossip(IReadOnlyList<SignedTransaction> transactions);

    /// <summary>
    /// Fetches committed blocks <paramref name="fromHeight"/>..<paramref name="toHeight"/> (with
    /// certificates and receipts) from some peer that has them, each naming the peer that served
    /// it. The caller verifies everything; a peer that serves a bad block is the caller's to report
    /// through <see cref="ReportMisbehaviour"/>, after which the next fetch avoids it.
    /// </summary>
    IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellationToken);

    /// <summary>Marks a peer as having sent something invalid (its connection may be dropped for a while).</summary>
    void ReportMisbehaviour(Hash32 validator, string reason);

    /// <summary>
    /// Follows the committed membership: dials departments that joined or moved, closes and
    /// refuses those that left, accepts rotated keys and certificates. Called after every commit;
    /// a network whose peers are fixed (in-memory tests) ignores it.
    /// </summary>
    void ApplyMembership(Membership membership)
    {
    }

    /// <summary>What is known of each peer right now.</summary>
    IReadOnlyList<PeerSnapshot> Peers { get; }
}

/// <summary>A peer as the network sees it: who, where, whether connected and the height it last reported.</summary>
public sealed record PeerSnapshot(string DepartmentId, Hash32 ValidatorKey, string Endpoint, bool Connected, ulong Height);

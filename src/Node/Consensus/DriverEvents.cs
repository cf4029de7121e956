using GovChain.Consensus;
using GovChain.Node.Network;

namespace GovChain.Node.Consensus;

/// <summary>Blocks fetched by block sync (each with the peer that served it), applied on the consensus loop.</summary>
internal sealed record SyncBatchFetched(IReadOnlyList<FetchedBlock> Blocks, TaskCompletionSource<SyncBatchResult> Applied) : ConsensusEvent;

/// <summary>How many blocks of a batch were applied; rejected when none was because one did not verify (its server was reported).</summary>
internal readonly record struct SyncBatchResult(int Applied, bool Rejected);

/// <summary>Block sync ended (caught up, or no peer could serve); progressed when it applied any block.</summary>
internal sealed record SyncEnded(bool Progressed) : ConsensusEvent;

/// <summary>The empty-block delay of a proposal request ran out.</summary>
internal sealed record ProposeNow(ulong Height, uint Round) : ConsensusEvent;

/// <summary>A round-0 propose timeout held while the network was idle, fed to the machine now.</summary>
internal sealed record IdleTimeoutReleased(TimeoutFired Timeout) : ConsensusEvent;

/// <summary>Periodic check whether peers are ahead while this node stands still.</summary>
internal sealed record SyncPoll : ConsensusEvent;

/// <summary>Peers' messages wait in the per-peer inbox (posted once until the loop takes them).</summary>
internal sealed record InboxReady : ConsensusEvent
{
    public static InboxReady Instance { get; } = new();
}

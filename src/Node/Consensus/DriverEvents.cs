using GovChain.Consensus;
using GovChain.Protocol;

namespace GovChain.Node.Consensus;

/// <summary>Blocks fetched by block sync, applied on the consensus loop; the count applied is the answer.</summary>
internal sealed record SyncBatchFetched(IReadOnlyList<CertifiedBlock> Blocks, TaskCompletionSource<int> Applied) : ConsensusEvent;

/// <summary>Block sync ended (caught up, or no peer could serve).</summary>
internal sealed record SyncEnded : ConsensusEvent;

/// <summary>The empty-block delay of a proposal request ran out.</summary>
internal sealed record ProposeNow(ulong Height, uint Round) : ConsensusEvent;

/// <summary>Periodic check whether peers are ahead while this node stands still.</summary>
internal sealed record SyncPoll : ConsensusEvent;

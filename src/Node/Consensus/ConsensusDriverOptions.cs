using GovChain.Consensus;

namespace GovChain.Node.Consensus;

/// <summary>How the consensus driver runs, beyond the protocol's own <see cref="ConsensusOptions"/>.</summary>
public sealed record ConsensusDriverOptions(ConsensusOptions Protocol)
{
    /// <summary>Bound of the event queue; peer messages beyond it are dropped (the protocol retransmits).</summary>
    public int QueueCapacity { get; init; } = 8192;

    /// <summary>Most blocks asked for by one block-sync request.</summary>
    public int SyncBatchBlocks { get; init; } = 100;

    /// <summary>How often the driver checks whether peers are ahead while its own height stands still.</summary>
    public TimeSpan SyncPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node with a fresh database listens for peers' heights before it decides it starts the chain.</summary>
    public TimeSpan FreshStartGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// When the mempool is empty, the proposer waits this long before proposing an empty block
    /// (keep it well below the propose timeout), so an idle chain does not fill the disk.
    /// </summary>
    public TimeSpan EmptyBlockDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bound of the equivocation evidence waiting to be put in a block.</summary>
    public int MaxPendingEvidence { get; init; } = 256;
}

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

    /// <summary>
    /// While the mempool stays empty, how long a height's first round waits for a transaction
    /// before its proposer makes an empty block (the other validators hold their propose timeout
    /// as long, plus one propose timeout). Zero: only <see cref="EmptyBlockDelay"/> applies.
    /// </summary>
    public TimeSpan IdleBlockInterval { get; init; } = TimeSpan.Zero;

    /// <summary>Bound of the equivocation evidence waiting to be put in a block.</summary>
    public int MaxPendingEvidence { get; init; } = 256;

    /// <summary>Consensus messages waiting from one peer; beyond it that peer's oldest is dropped (the protocol retransmits).</summary>
    public int PeerQueueCapacity { get; init; } = 1024;

    /// <summary>Peers' messages fed to the machine before the loop lets timers and other events in again.</summary>
    public int InputBatchMessages { get; init; } = 64;

    /// <summary>Peers tracked by the input queues, height claims and reports (the validator sets are far smaller).</summary>
    public int MaxTrackedPeers { get; init; } = 256;

    /// <summary>Signatures remembered as verified, so the machine never checks one a second time.</summary>
    public int VerifiedSignatureCapacity { get; init; } = 16_384;

    /// <summary>
    /// New signature checks one peer may cost this node per second (and at once); beyond it its
    /// messages are dropped unchecked. An honest validator needs a few per round; 0 means unbounded.
    /// </summary>
    public int PeerSignatureChecksPerSecond { get; init; } = 2000;

    /// <summary>After reporting a peer, its further messages are dropped unchecked for this long (its session is being closed).</summary>
    public TimeSpan ReportedPeerQuiet { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Block-sync passes that bring nothing while a peer claims to be ahead, before that peer's claims are ignored.</summary>
    public int MaxFruitlessSyncAttempts { get; init; } = 3;

    /// <summary>How long the claims of a peer that never served what it claimed are ignored (unless it serves a block meanwhile).</summary>
    public TimeSpan ClaimSuspension { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest wait between block-sync passes that bring nothing (the wait doubles from <see cref="SyncPollInterval"/>).</summary>
    public TimeSpan MaxSyncRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}



namespace GovChain.Grpc.Peers;

/// <summary>
/// The bounds and timings of the peer network. Every queue, batch, message and stream count
/// has a limit here; the defaults suit a handful of departments on a LAN or WAN.
/// </summary>
public sealed class GrpcPeerNetworkOptions
{
    /// <summary>
    /// Largest peer message sent or accepted (a proposal carries a whole block, a fetched block
    /// its receipts too). The node's peer endpoint uses the same value for its receive and send limits.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Consensus messages waiting for one peer; when full the oldest is dropped (consensus retransmits).</summary>
    public int MaxQueuedConsensusMessages { get; set; } = 1024;

    /// <summary>Transactions waiting to be gossiped to one peer; when full new ones are dropped (the peer gets them in blocks).</summary>
    public int MaxQueuedGossipTransactions { get; set; } = 16 * 1024;

    /// <summary>Most transactions in one gossip batch, sent and accepted.</summary>
    public int MaxGossipBatchTransactions { get; set; } = 512;

    /// <summary>Most encoded bytes of transactions in one gossip batch sent.</summary>
    public int MaxGossipBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a partly filled gossip batch waits for more transactions before it is sent.</summary>
    public TimeSpan GossipLinger { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Most blocks served, and asked for, in one FetchBlocks call.</summary>
    public int MaxBlocksPerFetch { get; set; } = 64;

    /// <summary>Concurrent FetchBlocks calls one peer may have open with this node.</summary>
    public int MaxConcurrentFetchesPerPeer { get; set; } = 2;

    /// <summary>Concurrent Gossip calls one peer may have open with this node.</summary>
    public int MaxConcurrentGossipCallsPerPeer { get; set; } = 2;

    /// <summary>Handshakes in progress at once (all peers together); more are refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxPendingHandshakes { get; set; } = 16;

    /// <summary>A handshake not finished within this is abandoned.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait before redialling a peer; doubles per failure up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the committed height is checked and reported to peers when it changed.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A height report is sent at least this often even when unchanged, so a dead stream is noticed.</summary>
    public TimeSpan StatusKeepAlive { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of one Gossip call.</summary>
    public TimeSpan GossipCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of one FetchBlocks call (one bounded range).</summary>
    public TimeSpan FetchCallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a peer reported for misbehaviour is disconnected and refused.</summary>
    public TimeSpan MisbehaviourBan { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 64 * 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedConsensusMessages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedGossipTransactions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxGossipBatchTransactions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxGossipBatchBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxGossipBatchBytes, MaxMessageBytes / 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlocksPerFetch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentFetchesPerPeer, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentGossipCallsPerPeer, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingHandshakes, 1);
        RequirePositive(GossipLinger, nameof(GossipLinger), allowZero: true);
        RequirePositive(HandshakeTimeout, nameof(HandshakeTimeout));
        RequirePositive(ReconnectInitialDelay, nameof(ReconnectInitialDelay));
        RequirePositive(ReconnectMaxDelay, nameof(ReconnectMaxDelay));
        RequirePositive(StatusInterval, nameof(StatusInterval));
        RequirePositive(StatusKeepAlive, nameof(StatusKeepAlive));
        RequirePositive(GossipCallTimeout, nameof(GossipCallTimeout));
        RequirePositive(FetchCallTimeout, nameof(FetchCallTimeout));
        RequirePositive(MisbehaviourBan, nameof(MisbehaviourBan), allowZero: true);
        if (ReconnectMaxDelay < ReconnectInitialDelay)
        {
            throw new ArgumentException("ReconnectMaxDelay must be at least ReconnectInitialDelay");
        }
    }

    private static void RequirePositive(TimeSpan value, string name, bool allowZero = false)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a positive duration of at most a day");
        }
    }
}

namespace GovChain.Node.Mempool;

/// <summary>Bounds of the mempool: every one of them is a limit, never a hint.</summary>
public sealed class MempoolOptions
{
    /// <summary>Most transactions held at once; beyond it new ones are refused with back-pressure.</summary>
    public int MaxTransactions { get; set; } = 50_000;

    /// <summary>Most bytes held at once (encoded transactions).</summary>
    public long MaxBytes { get; set; } = 64L << 20;

    /// <summary>Largest accepted transaction, body and signature.</summary>
    public int MaxTxBytes { get; set; } = 64 << 10;

    /// <summary>Most pending transactions of one sender, so one sender cannot fill the pool.</summary>
    public int MaxPerSender { get; set; } = 1_000;

    /// <summary>How far ahead of the sender's next expected nonce a transaction may be.</summary>
    public ulong MaxNonceGap { get; set; } = 64;

    /// <summary>
    /// Most transactions of one sender that wait behind a missing nonce. They cannot execute, so
    /// a sender gets only a few of them: enough to survive reordering on the way here.
    /// </summary>
    public int MaxGappedPerSender { get; set; } = 16;

    /// <summary>Most waiting (gapped) transactions of all senders together; they never take room from executable ones.</summary>
    public int MaxGappedTransactions { get; set; } = 5_000;

    /// <summary>
    /// Most waiting transactions of senders that have committed nothing yet, all such senders
    /// together: a fresh key costs nothing to make, so fresh keys' out-of-order transactions get
    /// only a small share of the waiting room, and every one of them beyond it is refused before
    /// its signature is checked.
    /// </summary>
    public int MaxGappedOfNewSenders { get; set; } = 64;

    /// <summary>Signature checks one client address may cause per second on average; beyond it a submission is refused before its check.</summary>
    public int SignatureChecksPerSecondPerClient { get; set; } = 2000;

    /// <summary>Signature checks one client address may cause in a burst after being idle.</summary>
    public int SignatureCheckBurstPerClient { get; set; } = 2000;

    /// <summary>Signature checks of one client address in progress at once (its backlog); more are refused before their check.</summary>
    public int MaxChecksInProgressPerClient { get; set; } = 16;

    /// <summary>Heights a gapped transaction may wait for its missing nonce before it is dropped.</summary>
    public int GappedTtlBlocks { get; set; } = 20;

    /// <summary>
    /// Executable transactions held, in blocks of the current proposal budget: what the network
    /// can commit soon. Beyond it a client is refused at once with a retry hint, so what is
    /// admitted commits within a few blocks instead of queueing without bound.
    /// </summary>
    public int PendingBlocks { get; set; } = 1;

    /// <summary>Once executable transactions fill this fraction (in percent) of their bound, each sender is held to its fair share of it.</summary>
    public int FairSharePercent { get; set; } = 50;

    /// <summary>A sender's share is never below this many pending transactions.</summary>
    public int MinSenderShare { get; set; } = 8;

    /// <summary>How many dropped transaction ids (with the reason) are remembered for their senders to look up.</summary>
    public int RememberDropped { get; set; } = 16_384;

    public void Validate()
    {
        if (MaxTransactions <= 0 || MaxBytes <= 0 || MaxTxBytes <= 0 || MaxPerSender <= 0 || MaxNonceGap == 0
            || MaxGappedPerSender < 0 || MaxGappedTransactions < 0 || MaxGappedOfNewSenders < 0
            || SignatureChecksPerSecondPerClient <= 0 || SignatureCheckBurstPerClient <= 0 || MaxChecksInProgressPerClient <= 0 || GappedTtlBlocks <= 0 || PendingBlocks <= 0
            || FairSharePercent is <= 0 or > 100 || MinSenderShare <= 0 || RememberDropped < 0)
        {
            throw new ArgumentException("Every mempool limit must be positive.");
        }
    }
}

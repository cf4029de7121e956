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
    public ulong MaxNonceGap { get; set; } = 1_000;

    public void Validate()
    {
        if (MaxTransactions <= 0 || MaxBytes <= 0 || MaxTxBytes <= 0 || MaxPerSender <= 0 || MaxNonceGap == 0)
        {
            throw new ArgumentException("Every mempool limit must be positive.");
        }
    }
}

namespace GovChain.Contracts.Engine;

/// <summary>
/// Limits of the contract engine. Every validator must run with the same values, so they
/// belong to the chain's parameters, not to one node's configuration.
/// </summary>
public sealed record EngineOptions
{
    public static EngineOptions Default { get; } = new();

    /// <summary>Budget of a transaction whose max_steps is 0.</summary>
    public ulong DefaultStepsPerTransaction { get; init; } = 500_000;

    /// <summary>Cap on any transaction's max_steps.</summary>
    public ulong MaxStepsPerTransaction { get; init; } = 5_000_000;

    /// <summary>Budget of one read-only query.</summary>
    public ulong MaxStepsPerQuery { get; init; } = 5_000_000;

    /// <summary>Largest argument message accepted, in bytes.</summary>
    public int MaxArgsBytes { get; init; } = 64 * 1024;

    /// <summary>Most events one transaction may emit.</summary>
    public int MaxEventsPerTransaction { get; init; } = 64;

    /// <summary>Largest result a transaction may return in its receipt: a receipt carries hashes and ids, never whole records.</summary>
    public int MaxResultBytes { get; init; } = 1024;

    /// <summary>Largest total of one transaction's event names and attributes.</summary>
    public int MaxEventBytesPerTransaction { get; init; } = 4096;

    /// <summary>
    /// Receipt bytes one block may produce in all. A receipt that would pass it fails with
    /// LimitExceeded (no effect, as any failure), so a block with its receipts stays within the
    /// messages that carry it. The node sets it to the chain's max_block_bytes.
    /// </summary>
    public int MaxReceiptBytesPerBlock { get; init; } = 3 * 1024 * 1024;

    /// <summary>Longest error message kept in a receipt, in UTF-8 bytes; longer ones are cut.</summary>
    public const int MaxMessageBytes = 256;

    /// <summary>
    /// Most bytes one failed receipt takes inside its block's receipt list (id, height, index,
    /// code, steps, a cut message, field tags and its own length prefix). Failed receipts are
    /// not refused by the block budget, so they are bounded here instead.
    /// </summary>
    public const int MaxFailedReceiptBytes = 96 + MaxMessageBytes;

    /// <summary>Most bytes the receipts of a block of <paramref name="maxTransactions"/> transactions can take, encoded.</summary>
    public long MaxReceiptsBytes(int maxTransactions) => MaxReceiptBytesPerBlock + ((long)maxTransactions * MaxFailedReceiptBytes);

    public void Validate()
    {
        if (DefaultStepsPerTransaction == 0 || DefaultStepsPerTransaction > MaxStepsPerTransaction)
        {
            throw new ArgumentException("DefaultStepsPerTransaction must be between 1 and MaxStepsPerTransaction.");
        }

        if (MaxStepsPerQuery == 0 || MaxArgsBytes <= 0 || MaxEventsPerTransaction <= 0 || MaxResultBytes <= 0 || MaxEventBytesPerTransaction <= 0 || MaxReceiptBytesPerBlock <= 0)
        {
            throw new ArgumentException("Engine limits must be positive.");
        }
    }

    /// <summary>The budget a transaction actually gets: its own request, or the default, capped.</summary>
    public ulong BudgetFor(ulong requestedSteps) =>
        requestedSteps == 0 ? DefaultStepsPerTransaction : Math.Min(requestedSteps, MaxStepsPerTransaction);
}

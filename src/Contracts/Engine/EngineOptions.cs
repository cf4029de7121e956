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

    public void Validate()
    {
        if (DefaultStepsPerTransaction == 0 || DefaultStepsPerTransaction > MaxStepsPerTransaction)
        {
            throw new ArgumentException("DefaultStepsPerTransaction must be between 1 and MaxStepsPerTransaction.");
        }

        if (MaxStepsPerQuery == 0 || MaxArgsBytes <= 0 || MaxEventsPerTransaction <= 0)
        {
            throw new ArgumentException("Engine limits must be positive.");
        }
    }

    /// <summary>The budget a transaction actually gets: its own request, or the default, capped.</summary>
    public ulong BudgetFor(ulong requestedSteps) =>
        requestedSteps == 0 ? DefaultStepsPerTransaction : Math.Min(requestedSteps, MaxStepsPerTransaction);
}

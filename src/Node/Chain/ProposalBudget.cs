namespace GovChain.Node.Chain;

/// <summary>
/// How many transactions this node puts in its next proposal, so that it and its peers can
/// execute the block before their propose timeout. A block the validators cannot execute in
/// time is prevoted nil, the next proposer reaps an even fuller mempool, and on a slow or
/// starved machine the network stops committing; a smaller block commits instead.
/// </summary>
/// <remarks>
/// Learned from this node's own execution times (wall clock, so CPU starvation counts). It only
/// shapes what this proposer offers; validity never depends on it, so nodes need not agree on
/// it. Integer arithmetic keeps it free of floating point all the same.
/// </remarks>
public sealed class ProposalBudget
{
    /// <summary>Below this many transactions a timing says more about fixed costs than per-transaction ones.</summary>
    private const int MinSampleTxs = 32;

    private readonly object _gate = new();
    private readonly int _ceiling;
    private readonly int _floor;
    private long _budgetMicros;
    private long _microsPerTx;

    /// <param name="ceiling">The genesis bound on transactions per block.</param>
    /// <param name="executionBudget">How long one execution of a block may take on this node.</param>
    /// <param name="floor">The fewest transactions offered once the mempool has them, however slow execution is.</param>
    public ProposalBudget(int ceiling, TimeSpan executionBudget, int floor = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ceiling, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(floor, 1);
        _ceiling = ceiling;
        _floor = Math.Min(floor, ceiling);
        ExecutionBudget = executionBudget;
    }

    /// <summary>How long one execution of a proposal may take; zero turns the budget off.</summary>
    public TimeSpan ExecutionBudget
    {
        get => TimeSpan.FromMicroseconds(Interlocked.Read(ref _budgetMicros));
        set => Interlocked.Exchange(ref _budgetMicros, Math.Max(0, (long)value.TotalMicroseconds));
    }

    /// <summary>The smoothed cost of executing one transaction, in microseconds; zero until learned.</summary>
    public long MicrosPerTransaction
    {
        get
        {
            lock (_gate)
            {
                return _microsPerTx;
            }
        }
    }

    /// <summary>Most transactions for the next proposal.</summary>
    public int MaxTransactions
    {
        get
        {
            var budget = Interlocked.Read(ref _budgetMicros);
            var perTx = MicrosPerTransaction;
            if (budget == 0 || perTx == 0)
            {
                return _ceiling;
            }

            return (int)Math.Clamp(budget / perTx, _floor, _ceiling);
        }
    }

    /// <summary>Records how long executing (and preparing) <paramref name="transactions"/> took.</summary>
    public void Observe(int transactions, TimeSpan elapsed)
    {
        if (transactions < MinSampleTxs || elapsed <= TimeSpan.Zero)
        {
            return;
        }

        var sample = Math.Max(1, (long)elapsed.TotalMicroseconds / transactions);
        lock (_gate)
        {
            // An exponential average (weight 1/4): a slow block shrinks the next proposal quickly,
            // and a single fast one does not undo that at once.
            _microsPerTx = _microsPerTx == 0 ? sample : _microsPerTx + ((sample - _microsPerTx) / 4);
        }
    }
}

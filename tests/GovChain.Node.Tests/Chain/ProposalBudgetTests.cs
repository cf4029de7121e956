using GovChain.Node.Chain;

namespace GovChain.Node.Tests.Chain;

public sealed class ProposalBudgetTests
{
    [Fact]
    public void MaxTransactions_BeforeAnyObservation_IsTheGenesisBound()
    {
        var budget = new ProposalBudget(4000, TimeSpan.FromMilliseconds(400));

        Assert.Equal(4000, budget.MaxTransactions);
    }

    [Fact]
    public void MaxTransactions_AfterSlowExecution_FitsTheBudget()
    {
        var budget = new ProposalBudget(4000, TimeSpan.FromMilliseconds(400));

        // 2,000 transactions in 4 s: 2 ms each, so 400 ms holds 200.
        budget.Observe(2000, TimeSpan.FromSeconds(4));

        Assert.Equal(2000, budget.MicrosPerTransaction);
        Assert.Equal(200, budget.MaxTransactions);
    }

    [Fact]
    public void MaxTransactions_NeverBelowTheFloorNorAboveTheCeiling()
    {
        var slow = new ProposalBudget(4000, TimeSpan.FromMilliseconds(100), floor: 64);
        slow.Observe(100, TimeSpan.FromSeconds(100));
        Assert.Equal(64, slow.MaxTransactions);

        var fast = new ProposalBudget(500, TimeSpan.FromMilliseconds(400));
        fast.Observe(500, TimeSpan.FromMilliseconds(5));
        Assert.Equal(500, fast.MaxTransactions);
    }

    [Fact]
    public void Observe_SmallBlocks_AreIgnored_BecauseFixedCostsDominateThem()
    {
        var budget = new ProposalBudget(4000, TimeSpan.FromMilliseconds(400));

        budget.Observe(3, TimeSpan.FromSeconds(1));

        Assert.Equal(0, budget.MicrosPerTransaction);
        Assert.Equal(4000, budget.MaxTransactions);
    }

    [Fact]
    public void Observe_AveragesSamples_SoOneFastBlockDoesNotUndoASlowOne()
    {
        var budget = new ProposalBudget(10_000, TimeSpan.FromMilliseconds(400));
        budget.Observe(1000, TimeSpan.FromMilliseconds(4000));
        var afterSlow = budget.MaxTransactions;

        budget.Observe(1000, TimeSpan.FromMilliseconds(400));

        Assert.Equal(100, afterSlow);
        Assert.InRange(budget.MaxTransactions, afterSlow + 1, 399);
    }

    [Fact]
    public void ExecutionBudget_Zero_TurnsTheBoundOff()
    {
        var budget = new ProposalBudget(4000, TimeSpan.Zero);
        budget.Observe(1000, TimeSpan.FromSeconds(10));

        Assert.Equal(4000, budget.MaxTransactions);
    }
}

namespace GovChain.Simulation.Tests;

// Each class is its own xunit collection, so the classes run in parallel on the available
// cores; the seed ranges are disjoint so every seed of the run is a different scenario.

public sealed class RandomSeedsOneValidatorTests
{
    [Fact]
    public void Run_1000Seeds_AllInvariantsHold()
    {
        var (seeds, _, heights) = SeedRunner.RunRange(1, 1_000_000, 1000);
        Assert.Equal(1000, seeds);
        Assert.True(heights >= 2000, $"every run must commit at least two heights, got {heights} in all");
    }
}

public sealed class RandomSeedsFourValidatorsTests
{
    [Fact]
    public void Run_SeedsA_AllInvariantsHold() => RunAndAssert(4, 2_000_000, 2500);

    [Fact]
    public void Run_SeedsB_AllInvariantsHold() => RunAndAssert(4, 2_002_500, 2500);

    internal static void RunAndAssert(int n, ulong first, int count)
    {
        var (seeds, messages, heights) = SeedRunner.RunRange(n, first, count);
        Assert.Equal(count, seeds);
        Assert.True(heights >= (ulong)(2 * count), $"every run must commit at least two heights, got {heights} in all");
        Assert.True(messages > 0);
    }
}

public sealed class RandomSeedsSevenValidatorsTests
{
    [Fact]
    public void Run_Seeds_AllInvariantsHold() => RandomSeedsFourValidatorsTests.RunAndAssert(7, 3_000_000, 2500);
}

public sealed class RandomSeedsTenValidatorsTests
{
    [Fact]
    public void Run_Seeds_AllInvariantsHold() => RandomSeedsFourValidatorsTests.RunAndAssert(10, 4_000_000, 1500);
}

/// <summary>Replays one seed given by the environment (the command printed by a failing run).</summary>
public sealed class SimulationReplayTests
{
    [Fact]
    public void Replay_SeedFromEnvironment_AllInvariantsHold()
    {
        var seed = SeedRunner.SeedFromEnvironment() ?? 2_000_000;
        var n = SeedRunner.ValidatorsFromEnvironment() ?? 4;
        var result = SeedRunner.RunOne(seed, SimScenario.Generate(seed, n));
        Assert.True(result.MinHonestHeight >= 2);
    }
}

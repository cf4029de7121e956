using Xunit.Abstractions;

namespace GovChain.NodeSimulation.Tests;

// 1,000 random node-level scenarios in all. Each class is its own xunit collection, so the
// classes run in parallel on the available cores; their seed ranges are disjoint. A failure
// stops its class and names the seed with the command that replays it.

public sealed class RandomNodeSeedsPart1Tests(ITestOutputHelper output)
{
    [Fact]
    public void Run_250Seeds_AllInvariantsHold() => RandomNodeSeeds.RunAndAssert(10_000, 250, output);
}

public sealed class RandomNodeSeedsPart2Tests(ITestOutputHelper output)
{
    [Fact]
    public void Run_250Seeds_AllInvariantsHold() => RandomNodeSeeds.RunAndAssert(10_250, 250, output);
}

public sealed class RandomNodeSeedsPart3Tests(ITestOutputHelper output)
{
    [Fact]
    public void Run_250Seeds_AllInvariantsHold() => RandomNodeSeeds.RunAndAssert(10_500, 250, output);
}

public sealed class RandomNodeSeedsPart4Tests(ITestOutputHelper output)
{
    [Fact]
    public void Run_250Seeds_AllInvariantsHold() => RandomNodeSeeds.RunAndAssert(10_750, 250, output);
}

/// <summary>Replays the seed given by the environment (the command a failing run prints); without one, seed 10000.</summary>
public sealed class NodeSimulationReplayTests(ITestOutputHelper output)
{
    [Fact]
    public void Replay_SeedFromEnvironment_AllInvariantsHold()
    {
        var seed = NodeSeedRunner.SeedFromEnvironment() ?? 10_000;
        var scenario = NodeSimScenario.Generate(seed, NodeSeedRunner.CiMix);
        output.WriteLine($"seed {seed}: {scenario.Describe()}");
        var result = NodeSeedRunner.RunOne(seed, scenario);
        output.WriteLine(result.ToString());
        Assert.True(result.MinHonestHeight >= 2);
    }
}

/// <summary>The same seed gives the same run: same blocks on every node, same number of events and messages.</summary>
public sealed class NodeSimulationDeterminismTests
{
    [Theory]
    [InlineData(10_003UL)]
    [InlineData(10_017UL)]
    [InlineData(10_071UL)]
    public void SameSeed_TwoRuns_SameFingerprint(ulong seed)
    {
        var scenario = NodeSimScenario.Generate(seed, NodeSeedRunner.CiMix);
        var first = NodeSeedRunner.RunOne(seed, scenario);
        var second = NodeSeedRunner.RunOne(seed, scenario);
        Assert.Equal(first, second);
    }
}

internal static class RandomNodeSeeds
{
    public static void RunAndAssert(ulong first, int count, ITestOutputHelper output)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var (seeds, messages, heights, transactions) = NodeSeedRunner.RunRange(first, count);
        output.WriteLine(
            $"{seeds} seeds from {first}: {heights} honest heights (minimum per run, summed), {messages} messages, {transactions} transactions committed; " +
            $"{wall.Elapsed.TotalSeconds:0.0} s wall, process CPU {(Environment.CpuUsage.TotalTime - cpu).TotalSeconds:0.0} s meanwhile (all classes running)");

        // Liveness is checked per seed; this guards the harness itself against vacuous runs.
        Assert.True(heights >= (ulong)(2 * seeds), $"every run must commit at least two heights, got {heights} in all");
        Assert.True(messages > seeds * 10, "the nodes exchanged almost no messages");
        Assert.True(transactions > 0, "no client transaction was committed in any run");
    }
}

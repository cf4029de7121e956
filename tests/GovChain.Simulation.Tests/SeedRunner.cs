using System.Globalization;

namespace GovChain.Simulation.Tests;

/// <summary>Runs seeds and turns the first failure into a message carrying the one command that replays it.</summary>
public static class SeedRunner
{
    public const string SeedVariable = "GOVCHAIN_SIM_SEED";
    public const string ValidatorsVariable = "GOVCHAIN_SIM_N";

    public static SimResult RunOne(ulong seed, SimScenario scenario, string? replayFilter = null, Action<Simulator>? inspect = null)
    {
        using var sim = new Simulator(scenario, seed);
        inspect ??= static _ => { };
        if (Environment.GetEnvironmentVariable("GOVCHAIN_SIM_TRACE") is { Length: > 0 } tracePath)
        {
            var writer = new StreamWriter(tracePath);
            sim.Trace = writer.WriteLine;
            try
            {
                return RunAndInspect(sim, inspect);
            }
            finally
            {
                writer.Dispose();
            }
        }

        try
        {
            return RunAndInspect(sim, inspect);
        }
        catch (Exception ex)
        {
            throw new SimulationFailure(
                $"Seed {seed} failed: {ex.Message}{Environment.NewLine}" +
                $"Scenario: {scenario.Describe()}{Environment.NewLine}" +
                $"Replay: {ReplayCommand(seed, scenario.Validators, replayFilter)}{Environment.NewLine}{(ex is SimulationFailure ? string.Empty : ex.ToString())}");
        }
    }

    private static SimResult RunAndInspect(Simulator sim, Action<Simulator> inspect)
    {
        var result = sim.Run();
        inspect(sim);
        return result;
    }

    /// <summary>The seeds a scenario test runs: the one of the environment when replaying, else 1..count.</summary>
    public static IEnumerable<ulong> ScenarioSeeds(int count) =>
        SeedFromEnvironment() is { } seed ? [seed] : Enumerable.Range(1, count).Select(i => (ulong)i);

    /// <summary>Runs the random scenario of every seed in [first, first + count) for <paramref name="n"/> validators.</summary>
    public static (int Seeds, long Messages, ulong Heights) RunRange(int n, ulong first, int count)
    {
        long messages = 0;
        ulong heights = 0;
        for (var i = 0; i < count; i++)
        {
            var seed = first + (ulong)i;
            var result = RunOne(seed, SimScenario.Generate(seed, n));
            messages += result.MessagesSent;
            heights += result.MinHonestHeight;
        }

        return (count, messages, heights);
    }

    public static string ReplayCommand(ulong seed, int n, string? filter) =>
        $"{SeedVariable}={seed} {ValidatorsVariable}={n} dotnet test tests/GovChain.Simulation.Tests --filter \"FullyQualifiedName~{filter ?? "SimulationReplayTests"}\"";

    public static ulong? SeedFromEnvironment() =>
        ulong.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed : null;

    public static int? ValidatorsFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(ValidatorsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}

namespace GovChain.Simulation.Tests;

public sealed class TmpSweep(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Sweep()
    {
        var spec = Environment.GetEnvironmentVariable("SWEEP")!.Split(',');
        var n = int.Parse(spec[0]); var first = ulong.Parse(spec[1]); var count = int.Parse(spec[2]);
        var failures = new List<string>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        long events = 0, msgs = 0; ulong heights = 0; long worst = 0; ulong worstSeed = 0;
        for (var i = 0; i < count; i++)
        {
            var seed = first + (ulong)i;
            var t0 = sw.ElapsedMilliseconds;
            try { var r = SeedRunner.RunOne(seed, SimScenario.Generate(seed, n)); events += r.Events; msgs += r.MessagesSent; heights += r.MaxHonestHeight; }
            catch (SimulationFailure f) { failures.Add(f.Message.Split('\n')[0] + " | " + f.Message.Split('\n')[1]); }
            var dt = sw.ElapsedMilliseconds - t0; if (dt > worst) { worst = dt; worstSeed = seed; }
        }
        output.WriteLine($"n={n} seeds={count} ms={sw.ElapsedMilliseconds} events={events} msgs={msgs} heights={heights} worst={worst}ms@{worstSeed} failures={failures.Count}");
        foreach (var f in failures.Take(15)) output.WriteLine(f);
        Assert.Empty(failures);
    }
}

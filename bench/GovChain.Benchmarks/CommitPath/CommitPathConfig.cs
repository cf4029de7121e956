using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace GovChain.Benchmarks.CommitPath;

/// <summary>
/// One block per invocation, a fixed number of them, in the benchmark process itself: each
/// invocation consumes a pre-signed block, and on a loaded 2-core machine the separate build
/// BenchmarkDotNet makes per run does not finish within its timeout.
/// </summary>
public sealed class CommitPathConfig : ManualConfig
{
    public const int Warmup = 2;
    public const int Iterations = 12;

    public CommitPathConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(Warmup)
            .WithIterationCount(Iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}

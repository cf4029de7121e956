using BenchmarkDotNet.Attributes;
using GovChain.Contracts.Engine;
using GovChain.Storage.State;

namespace GovChain.Benchmarks.CommitPath;

/// <summary>
/// The node's commit path for one block of 1,000 land transactions (offer/cancel transfer, one
/// per parcel owner) on a RocksDB database with synced writes, as the node runs it, phase by
/// phase: contract execution against the stored state, state preparation (sparse Merkle tree
/// update), the append (checks + one write batch + fsync), and all of them together.
/// One block per invocation; committed tx/s = 1,000 / time of <see cref="CommitBlock"/>.
/// </summary>
[Config(typeof(CommitPathConfig))]
public class LandBlockCommitBenchmarks
{
    private const int TxPerBlock = 1000;

    // Warm-up, measured iterations and the jitting run each take one block; the rest is margin.
    private const int Blocks = CommitPathConfig.Warmup + CommitPathConfig.Iterations + 8;

    private LandCommitChain _chain = null!;
    private BlockExecutionResult _execution = null!;
    private PendingBlock _pending = null!;

    [GlobalSetup]
    public void Setup()
    {
        _chain = new LandCommitChain(TxPerBlock, Blocks, syncWrites: true);

        // A few committed blocks first, so the state has a history like a running node's.
        for (var i = 0; i < 3; i++)
        {
            _chain.CommitNext();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _chain.Dispose();

    [Benchmark]
    public int ExecuteBlock() =>
        _chain.Engine.ExecuteBlock(_chain.NextContext, _chain.PeekNext(), _chain.Database.State.Latest()).Changes.Count;

    [IterationSetup(Target = nameof(PrepareState))]
    public void ExecuteForPrepare() =>
        _execution = _chain.Engine.ExecuteBlock(_chain.NextContext, _chain.PeekNext(), _chain.Database.State.Latest());

    [Benchmark]
    public PreparedState PrepareState() => _chain.Database.State.Prepare(_chain.Database.Blocks.LastHeight + 1, _execution.Changes);

    [IterationSetup(Target = nameof(AppendBlock))]
    public void BuildForAppend() => _pending = _chain.BuildNext();

    [Benchmark]
    public ulong AppendBlock()
    {
        _chain.Append(_pending);
        return _chain.Database.Blocks.LastHeight;
    }

    [Benchmark]
    public ulong CommitBlock()
    {
        _chain.CommitNext();
        return _chain.Database.Blocks.LastHeight;
    }
}

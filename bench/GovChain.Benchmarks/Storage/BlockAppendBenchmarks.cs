using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using GovChain.Core.State;
using GovChain.Storage;
using GovChain.Storage.CrashChild;

namespace GovChain.Benchmarks.Storage;

/// <summary>
/// Committing blocks of 1,000 transactions (each with one state write and a receipt): prepare
/// the state, build the header, append in one batch — what the node does per block.
/// Throughput: blocks/s = 1 / mean; MB/s = BlockBytes / mean (printed by GlobalSetup).
/// </summary>
[MemoryDiagnoser]
public class BlockAppendBenchmarks
{
    private const int TxPerBlock = 1000;
    private BenchDirectory? _dir;
    private NodeDatabase? _db;

    [Params(true, false)]
    public bool SyncWrites { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = new BenchDirectory("append");
        _db = NodeDatabase.Open(_dir.Sub("db"), ChainWriter.ChainId, ChainWriter.GenesisHash, new StorageOptions { SyncWrites = SyncWrites });
        var sample = ChainWriter.AppendNext(_db, TxPerBlock, Changes(1));
        var bytes = sample.Block.CalculateSize() + sample.Certificate.CalculateSize() + _db.Blocks.GetReceipts(1)!.Sum(r => r.CalculateSize());
        Console.WriteLine($"// block of {TxPerBlock} tx: {bytes / 1024.0:F1} KiB (block + certificate + receipts)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        _dir?.Dispose();
    }

    [Benchmark]
    public ulong AppendBlockOf1000Tx()
    {
        var height = _db!.Blocks.LastHeight + 1;
        return ChainWriter.AppendNext(_db, TxPerBlock, Changes(height)).Height;
    }

    private static StateChanges Changes(ulong height)
    {
        var changes = new StateChanges();
        for (var i = 0; i < TxPerBlock; i++)
        {
            changes.Set(BitConverter.GetBytes((height * TxPerBlock) + (ulong)i), BitConverter.GetBytes(height));
        }

        return changes;
    }
}

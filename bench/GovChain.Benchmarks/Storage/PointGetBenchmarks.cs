using BenchmarkDotNet.Attributes;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Storage;
using GovChain.Storage.CrashChild;

namespace GovChain.Benchmarks.Storage;

/// <summary>Point reads on a store of 50 blocks × 1,000 transactions and 50,000 state keys.</summary>
[MemoryDiagnoser]
public class PointGetBenchmarks
{
    private const int Blocks = 50;
    private const int TxPerBlock = 1000;
    private BenchDirectory? _dir;
    private NodeDatabase? _db;
    private IStateReader? _state;
    private Hash32[] _txIds = [];
    private byte[][] _keys = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new BenchDirectory("gets");
        _db = NodeDatabase.Open(_dir.Sub("db"), ChainWriter.ChainId, ChainWriter.GenesisHash, new StorageOptions { SyncWrites = false });
        var ids = new List<Hash32>();
        var keys = new List<byte[]>();
        for (var h = 1ul; h <= Blocks; h++)
        {
            var changes = new StateChanges();
            for (var i = 0; i < TxPerBlock; i++)
            {
                var key = System.Text.Encoding.UTF8.GetBytes($"land/parcel/{h}/{i}");
                changes.Set(key, System.Text.Encoding.UTF8.GetBytes($"owner {i} registered at {h}"));
                keys.Add(key);
            }

            var block = ChainWriter.AppendNext(_db, TxPerBlock, changes);
            ids.AddRange(block.Block.Transactions.Select(t => t.Id()));
        }

        var random = new Random(1);
        _txIds = [.. ids.OrderBy(_ => random.Next())];
        _keys = [.. keys.OrderBy(_ => random.Next())];
        _state = _db.State.Latest();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        _dir?.Dispose();
    }

    [Benchmark]
    public uint GetTransactionById() => _db!.Blocks.GetTransaction(_txIds[_next++ % _txIds.Length])!.Index;

    [Benchmark]
    public int GetStateValueLatest() => _state!.Get(_keys[_next++ % _keys.Length])!.Length;

    [Benchmark]
    public ulong GetHeaderByHeight() => _db!.Blocks.GetHeader((ulong)(_next++ % Blocks) + 1)!.Height;

    [Benchmark]
    public int GetWholeBlockOf1000Tx() => _db!.Blocks.GetBlock((ulong)(_next++ % Blocks) + 1)!.Block.Transactions.Count;
}

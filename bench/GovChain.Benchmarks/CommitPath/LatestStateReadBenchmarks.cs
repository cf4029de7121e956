using BenchmarkDotNet.Attributes;
using GovChain.Benchmarks.Storage;
using GovChain.Core.State;
using GovChain.Storage;
using GovChain.Storage.CrashChild;

namespace GovChain.Benchmarks.CommitPath;

/// <summary>
/// Reads of the latest state as a block's execution does them: 1,000 keys written by recent
/// blocks (a sender's nonce, a parcel), read at the latest height from a RocksDB database.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LatestStateReadBenchmarks
{
    private const int Keys = 1000;
    private BenchDirectory _dir = null!;
    private NodeDatabase _db = null!;
    private byte[][] _keys = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new BenchDirectory("reads");
        _db = NodeDatabase.Open(_dir.Sub("db"), ChainWriter.ChainId, ChainWriter.GenesisHash, new StorageOptions { SyncWrites = false });
        _keys = Enumerable.Range(0, Keys).Select(i => BitConverter.GetBytes((ulong)i * 7919)).ToArray();
        for (var h = 1UL; h <= 5; h++)
        {
            var changes = new StateChanges();
            foreach (var key in _keys)
            {
                changes.Set(key, BitConverter.GetBytes(h * 1000));
            }

            ChainWriter.AppendNext(_db, 0, changes);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    /// <summary>1,000 reads of present keys at the latest height; per read = mean / 1,000.</summary>
    [Benchmark(OperationsPerInvoke = Keys)]
    public int Read1000LatestKeys()
    {
        var reader = _db.State.Latest();
        var found = 0;
        foreach (var key in _keys)
        {
            found += reader.Get(key) is null ? 0 : 1;
        }

        return found;
    }
}

using BenchmarkDotNet.Attributes;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Protocol;
using GovChain.Storage;
using GovChain.Storage.CrashChild;

namespace GovChain.Benchmarks.Storage;

/// <summary>
/// The authenticated state over 100,000 keys: a block of 1,000 updates with its root computed
/// and committed (updates/s = 1,000 / mean), and proof generation and offline verification.
/// </summary>
[MemoryDiagnoser]
public class StateBenchmarks
{
    private const int Keys = 100_000;
    private const int UpdatesPerBlock = 1000;
    private BenchDirectory? _dir;
    private NodeDatabase? _db;
    private byte[][] _keys = [];
    private StateProof? _proof;
    private Hash32 _root;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new BenchDirectory("state");
        _db = NodeDatabase.Open(_dir.Sub("db"), ChainWriter.ChainId, ChainWriter.GenesisHash, new StorageOptions { SyncWrites = false, KeepRecentHeights = 100 });
        _keys = [.. Enumerable.Range(0, Keys).Select(i => System.Text.Encoding.UTF8.GetBytes($"identity/credential/{i:D8}"))];
        foreach (var chunk in _keys.Chunk(10_000))
        {
            var changes = new StateChanges();
            foreach (var key in chunk)
            {
                changes.Set(key, System.Text.Encoding.UTF8.GetBytes("diploma hash 0000000000000000"));
            }

            ChainWriter.AppendNext(_db, 0, changes);
        }

        _root = _db.State.Root;
        _proof = _db.State.Prove(_keys[12345], _db.State.Height);
        Console.WriteLine($"// proof of a member: {_proof.Siblings.Count} siblings, {_proof.CalculateSize()} bytes");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        _dir?.Dispose();
    }

    [Benchmark]
    public Hash32 PrepareAndCommit1000Updates()
    {
        var random = new Random(_next++);
        var changes = new StateChanges();
        for (var i = 0; i < UpdatesPerBlock; i++)
        {
            changes.Set(_keys[random.Next(Keys)], BitConverter.GetBytes(random.NextInt64()));
        }

        return ChainWriter.AppendNext(_db!, 0, changes).Hash;
    }

    [Benchmark]
    public Hash32 Prepare1000UpdatesOnly()
    {
        var random = new Random(_next++);
        var changes = new StateChanges();
        for (var i = 0; i < UpdatesPerBlock; i++)
        {
            changes.Set(_keys[random.Next(Keys)], BitConverter.GetBytes(random.NextInt64()));
        }

        return _db!.State.Prepare(_db.State.Height + 1, changes).Root;
    }

    [Benchmark]
    public int ProveMember() => _db!.State.Prove(_keys[_next++ % Keys], _db.State.Height).Siblings.Count;

    [Benchmark]
    public int ProveNonMember() => _db!.State.Prove(BitConverter.GetBytes(_next++), _db.State.Height).Siblings.Count;

    [Benchmark]
    public bool VerifyProof() => StateProofVerifier.Verify(_proof!, _root).IsValid;
}

using BenchmarkDotNet.Attributes;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;

namespace GovChain.Benchmarks.Core;

[MemoryDiagnoser]
public class MerkleBenchmarks
{
    private Hash32[] _txIds = null!;

    [Params(1_000, 10_000)]
    public int Leaves { get; set; }

    [GlobalSetup]
    public void Setup() =>
        _txIds = Enumerable.Range(0, Leaves).Select(i => Hashes.Tagged(HashDomain.TransactionId, BitConverter.GetBytes(i))).ToArray();

    [Benchmark]
    public Hash32 TxRoot() => MerkleTree.RootOfHashes(_txIds);

    [Benchmark]
    public bool ProveAndVerifyOneTx()
    {
        var root = MerkleTree.RootOfHashes(_txIds);
        return MerkleTree.ProveHash(_txIds, Leaves / 3).VerifyHashLeaf(_txIds[Leaves / 3], root);
    }
}

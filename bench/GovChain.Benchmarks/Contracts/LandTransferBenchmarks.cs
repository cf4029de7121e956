using BenchmarkDotNet.Attributes;
using GovChain.Contracts;
using GovChain.Core.Transactions;

namespace GovChain.Benchmarks.Contracts;

/// <summary>
/// Land transfers executed per second on one core: each transfer is three transactions
/// (offer by the owner, accept by the buyer, approve by the registrar), already verified,
/// executed as one block against an in-memory committed state.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LandTransferBenchmarks
{
    private const int Transfers = 1_000;
    private BenchChain _chain = null!;
    private VerifiedTransaction[] _block = null!;

    [GlobalSetup]
    public void Setup()
    {
        _chain = new BenchChain(Roles.LandRegistrar);
        var owners = Enumerable.Range(0, 100).Select(i => _chain.Key(1000 + i)).ToArray();
        var buyers = Enumerable.Range(0, 100).Select(i => _chain.Key(2000 + i)).ToArray();
        var deed = new byte[32];
        _chain.Commit(Enumerable.Range(0, Transfers)
            .Select(i => _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel($"LOT-{i}", owners[i % 100].PublicKey, deed, 500, "bench")))
            .ToArray());

        var txs = new List<VerifiedTransaction>(Transfers * 3);
        for (var i = 0; i < Transfers; i++)
        {
            txs.Add(_chain.Tx(owners[i % 100], LandCalls.OfferTransfer($"LOT-{i}", buyers[i % 100].PublicKey, 100_000)));
            txs.Add(_chain.Tx(buyers[i % 100], LandCalls.AcceptTransfer($"LOT-{i}")));
            txs.Add(_chain.Tx(_chain.Registrar, LandCalls.ApproveTransfer($"LOT-{i}")));
        }

        _block = [.. txs];
        BenchChain.RequireSuccess(_chain.Engine.ExecuteBlock(_chain.NextBlock, _block, _chain.State));
    }

    [GlobalCleanup]
    public void Cleanup() => _chain.Dispose();

    /// <summary>Time per complete transfer (three transactions); transfers/s = 1e9 / mean ns.</summary>
    [Benchmark(OperationsPerInvoke = Transfers)]
    public int TransferBlock() => _chain.Engine.ExecuteBlock(_chain.NextBlock, _block, _chain.State).Changes.Count;
}

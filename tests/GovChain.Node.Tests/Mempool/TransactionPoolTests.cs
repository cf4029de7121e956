using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Node.Mempool;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Mempool;

public sealed class TransactionPoolTests : IDisposable
{
    private const string Chain = "govchain-test";
    private readonly Dictionary<Hash32, ulong> _committedNext = [];
    private readonly KeyPair _alice = KeyPair.Generate();
    private readonly KeyPair _bob = KeyPair.Generate();

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
    }

    private TransactionPool NewPool(MempoolOptions? options = null) =>
        new(options ?? new MempoolOptions(), Chain, s => _committedNext.TryGetValue(s, out var n) ? n : 1);

    private static SignedTransaction Tx(KeyPair key, ulong nonce, string memo = "") =>
        TransactionCodec.Create(Chain, key, nonce, "land", "register", null, memo);

    private static Hash32 Sender(KeyPair key) => new(key.PublicKey);

    [Fact]
    public void Add_ValidTransaction_IsAdmittedOnceAndKeptVerified()
    {
        var pool = NewPool();
        var tx = Tx(_alice, 1);

        var first = pool.Add(tx);
        var second = pool.Add(tx);

        Assert.Equal(AdmissionCode.Admitted, first.Code);
        Assert.Equal(tx.Id(), first.TxId);
        Assert.Equal(AdmissionCode.AlreadyKnown, second.Code);
        Assert.Equal(1, pool.Count);
        Assert.True(pool.TryGetVerified(tx.Id(), out var verified));
        Assert.Same(verified, pool.Reap(10, long.MaxValue)[0]);
    }

    [Fact]
    public void Add_BadInput_IsRefusedWithReasonAndChangesNothing()
    {
        var pool = NewPool(new MempoolOptions { MaxTxBytes = 400 });
        var good = Tx(_alice, 1);
        var forged = new SignedTransaction { Body = good.Body, Signature = ByteString.CopyFrom(_bob.Sign(good.Body.Span)) };
        var foreign = TransactionCodec.Create("other-chain", _alice, 1, "land", "register", null);
        var huge = Tx(_alice, 1, new string('x', 1000));
        var garbage = new SignedTransaction { Body = ByteString.CopyFrom(0xFF, 0x01), Signature = ByteString.CopyFrom(new byte[64]) };

        Assert.Equal(AdmissionCode.BadSignature, pool.Add(forged).Code);
        Assert.Equal(AdmissionCode.WrongChain, pool.Add(foreign).Code);
        Assert.Equal(AdmissionCode.TooLarge, pool.Add(huge).Code);
        var malformed = pool.Add(garbage);
        Assert.Equal(AdmissionCode.Malformed, malformed.Code);
        Assert.False(string.IsNullOrEmpty(malformed.Reason));
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Add_ReplayedOrFarFutureNonce_IsRefused()
    {
        _committedNext[Sender(_alice)] = 5;
        var pool = NewPool(new MempoolOptions { MaxNonceGap = 10 });

        Assert.Equal(AdmissionCode.NonceTooLow, pool.Add(Tx(_alice, 4)).Code);
        Assert.Equal(AdmissionCode.NonceTooHigh, pool.Add(Tx(_alice, 15)).Code);
        Assert.Equal(AdmissionCode.Admitted, pool.Add(Tx(_alice, 14)).Code);
        Assert.Equal(AdmissionCode.NonceTaken, pool.Add(Tx(_alice, 14, "different content")).Code);
    }

    [Fact]
    public void Add_BeyondBounds_GivesBackPressure()
    {
        var pool = NewPool(new MempoolOptions { MaxTransactions = 3, MaxPerSender = 2 });

        Assert.True(pool.Add(Tx(_alice, 1)).IsAdmitted);
        Assert.True(pool.Add(Tx(_alice, 2)).IsAdmitted);
        var senderFull = pool.Add(Tx(_alice, 3));
        Assert.Equal(AdmissionCode.SenderFull, senderFull.Code);
        Assert.True(senderFull.IsBackPressure);

        Assert.True(pool.Add(Tx(_bob, 1)).IsAdmitted);
        var full = pool.Add(Tx(_bob, 2));
        Assert.Equal(AdmissionCode.PoolFull, full.Code);
        Assert.True(full.IsBackPressure);
        Assert.Equal(3, pool.Count);
    }

    [Fact]
    public void Add_ByteBound_GivesBackPressure()
    {
        var one = Tx(_alice, 1);
        var pool = NewPool(new MempoolOptions { MaxBytes = one.CalculateSize() * 2 });

        Assert.True(pool.Add(one).IsAdmitted);
        Assert.True(pool.Add(Tx(_alice, 2)).IsAdmitted);
        Assert.Equal(AdmissionCode.PoolFull, pool.Add(Tx(_alice, 3)).Code);
    }

    [Fact]
    public void Reap_OutOfOrderArrivals_ComeOutInNonceOrder_AndGapsStop()
    {
        var pool = NewPool();
        pool.AddBatch([Tx(_alice, 3), Tx(_bob, 2), Tx(_alice, 1), Tx(_alice, 2), Tx(_bob, 4)]);

        var reaped = pool.Reap(100, long.MaxValue);

        var alice = reaped.Where(t => t.Sender == Sender(_alice)).Select(t => t.Nonce).ToArray();
        var bob = reaped.Where(t => t.Sender == Sender(_bob)).Select(t => t.Nonce).ToArray();
        Assert.Equal([1UL, 2, 3], alice);
        Assert.Empty(bob); // bob's nonce 1 never arrived, so nothing of his can execute yet
    }

    [Fact]
    public void Reap_RespectsCountAndByteLimits()
    {
        var pool = NewPool();
        pool.AddBatch(Enumerable.Range(1, 10).Select(n => Tx(_alice, (ulong)n)).ToList());
        var size = Tx(_alice, 1).CalculateSize();

        Assert.Equal(4, pool.Reap(4, long.MaxValue).Count);
        Assert.Equal(3, pool.Reap(100, (size * 3) + 1).Count);
        Assert.Equal(10, pool.Count); // reaping removes nothing
    }

    [Fact]
    public void RemoveCommitted_EvictsCommittedAndNowStaleTransactions()
    {
        var pool = NewPool();
        var txs = Enumerable.Range(1, 4).Select(n => Tx(_alice, (ulong)n)).ToList();
        var rival = Tx(_bob, 1);
        pool.AddBatch([.. txs, rival]);

        // Block committed alice 1 and 2; alice's next nonce is now 3.
        _committedNext[Sender(_alice)] = 3;
        pool.RemoveCommitted([txs[0].Id(), txs[1].Id()]);

        Assert.Equal(3, pool.Count);
        Assert.False(pool.Contains(txs[0].Id()));
        Assert.True(pool.Contains(txs[2].Id()));
        Assert.Equal(AdmissionCode.NonceTooLow, pool.Add(Tx(_alice, 2, "late replay")).Code);
    }

    [Fact]
    public void AddBatch_ManySendersInParallel_AdmitsAllAndChainsNonces()
    {
        var keys = Enumerable.Range(0, 8).Select(_ => KeyPair.Generate()).ToArray();
        try
        {
            var pool = NewPool();
            var batch = keys.SelectMany(k => Enumerable.Range(1, 25).Select(n => Tx(k, (ulong)n))).ToList();

            var results = pool.AddBatch(batch);

            Assert.All(results, r => Assert.Equal(AdmissionCode.Admitted, r.Code));
            Assert.Equal(200, pool.Reap(1000, long.MaxValue).Count);
        }
        finally
        {
            foreach (var k in keys)
            {
                k.Dispose();
            }
        }
    }
}

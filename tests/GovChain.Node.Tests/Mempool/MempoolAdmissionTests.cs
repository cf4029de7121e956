using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Grpc.ClientApi;
using GovChain.Node.Mempool;
using GovChain.Protocol;
using GovChain.Node.Tests.Support;
using GovChain.Tests.Shared;
using System.Net;
using Grpc.Core;

namespace GovChain.Node.Tests.Mempool;

/// <summary>Issue #12: no client can jam the mempool, and every refusal it can answer cheaply costs no signature check.</summary>
public sealed class MempoolAdmissionTests : IDisposable
{
    private const string Chain = "govchain-test";
    private readonly Dictionary<Hash32, ulong> _committedNext = [];
    private readonly List<KeyPair> _keys = [];
    private ulong _height;

    public void Dispose()
    {
        foreach (var k in _keys)
        {
            k.Dispose();
        }
    }

    private KeyPair NewKey()
    {
        var k = KeyPair.Generate();
        _keys.Add(k);
        return k;
    }

    private TransactionPool NewPool(MempoolOptions? options = null, TimeProvider? time = null) =>
        new(options ?? new MempoolOptions(), Chain, s => _committedNext.TryGetValue(s, out var n) ? n : 1, committedHeight: () => _height, time: time);

    private static readonly IPAddress Abuser = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress Normal = IPAddress.Parse("127.0.0.2");

    private static SignedTransaction Tx(KeyPair key, ulong nonce, string memo = "") =>
        TransactionCodec.Create(Chain, key, nonce, "land", "register", null, memo);

    private void CommitEmptyBlock(TransactionPool pool)
    {
        _height++;
        pool.RemoveCommitted([]);
    }

    [Fact]
    public void GappedTransactionsOfTwoFreshKeys_CannotFillThePool_AnExecutableOneIsStillAdmitted()
    {
        var pool = NewPool(new MempoolOptions { MaxTransactions = 100 });
        var jammers = new[] { NewKey(), NewKey() };

        // Nonce 1 never comes: none of these can ever execute.
        foreach (var k in jammers)
        {
            pool.AddBatch(Enumerable.Range(2, 64).Select(n => Tx(k, (ulong)n)).ToList());
        }

        var honest = pool.Add(Tx(NewKey(), 1));

        Assert.Equal(AdmissionCode.Admitted, honest.Code);
        Assert.True(pool.Count <= 1 + (2 * new MempoolOptions().MaxGappedPerSender), $"the jammers hold {pool.Count - 1} transactions");
    }

    [Fact]
    public void GappedTransaction_ExpiresAfterItsHeights_AndItsSenderCanLearnWhy()
    {
        var pool = NewPool(new MempoolOptions { GappedTtlBlocks = 3 });
        var gapped = Tx(NewKey(), 2);
        var result = pool.Add(gapped);
        Assert.True(result.IsAdmitted);
        Assert.False(result.Executable);

        CommitEmptyBlock(pool);
        CommitEmptyBlock(pool);
        Assert.True(pool.Contains(gapped.Id()));
        CommitEmptyBlock(pool);

        Assert.False(pool.Contains(gapped.Id()));
        Assert.True(pool.TryGetDropped(gapped.Id(), out var reason));
        Assert.Contains("nonce 1", reason);
    }

    [Fact]
    public void GappedTransaction_WhoseMissingNonceCommitsElsewhere_BecomesExecutableAndDoesNotExpire()
    {
        var pool = NewPool(new MempoolOptions { GappedTtlBlocks = 2 });
        var key = NewKey();
        var second = Tx(key, 2);
        Assert.False(pool.Add(second).Executable);

        // Nonce 1 was in another node's pool and committed: this pool never saw it.
        _committedNext[new Hash32(key.PublicKey)] = 2;
        CommitEmptyBlock(pool);
        CommitEmptyBlock(pool);
        CommitEmptyBlock(pool);

        Assert.True(pool.Contains(second.Id()));
        Assert.Equal(1, pool.ExecutableCount);
        Assert.Single(pool.Reap(10, long.MaxValue));
    }

    [Fact]
    public void GappedTransactions_OfOneSender_AreBounded()
    {
        var pool = NewPool(new MempoolOptions { MaxGappedPerSender = 3 });
        var key = NewKey();

        var results = pool.AddBatch(Enumerable.Range(2, 10).Select(n => Tx(key, (ulong)n)).ToList());

        Assert.Equal(3, results.Count(r => r.IsAdmitted));
        Assert.All(results.Skip(3), r =>
        {
            // Back-pressure, not a nonce error: a signer's concurrent submissions arrive out of order.
            Assert.Equal(AdmissionCode.SenderFull, r.Code);
            Assert.True(r.IsBackPressure);
            Assert.True(r.RetryAfterMs > 0);
        });
    }

    [Fact]
    public void GappedTransaction_BecomesExecutableWhenItsGapFills_AndOnlyThenIsOfferedForGossip()
    {
        var pool = NewPool();
        var key = NewKey();
        var second = Tx(key, 2);
        var first = Tx(key, 1);

        Assert.False(pool.Add(second).Executable);
        Assert.Empty(pool.TakePromoted());
        Assert.True(pool.Add(first).Executable);

        Assert.Equal([second.Id()], pool.TakePromoted().Select(t => t.Id()));
        Assert.Equal(2, pool.ExecutableCount);
    }

    [Fact]
    public void FullPool_DisplacesWaitingTransactionsFirst_NeverExecutableOnes()
    {
        var pool = NewPool(new MempoolOptions { MaxTransactions = 6 });
        var waiter = NewKey();
        var worker = NewKey();
        var waiting = Enumerable.Range(2, 4).Select(n => Tx(waiter, (ulong)n)).ToList();
        pool.AddBatch(waiting);
        pool.AddBatch([Tx(worker, 1), Tx(worker, 2)]);
        Assert.Equal(6, pool.Count);

        var newcomer = pool.Add(Tx(NewKey(), 1));

        Assert.True(newcomer.IsAdmitted);
        Assert.Equal(6, pool.Count);
        Assert.Equal(3, pool.ExecutableCount);
        Assert.False(pool.Contains(waiting[0].Id()));
        Assert.True(pool.TryGetDropped(waiting[0].Id(), out _));

        // Executable ones are never displaced: with nothing left to displace but them, the pool refuses.
        pool.AddBatch(waiting.Skip(1).Select(t => Tx(NewKey(), 1)).ToList());
        Assert.Equal(AdmissionCode.PoolFull, pool.Add(Tx(NewKey(), 1)).Code);
        Assert.Equal(6, pool.ExecutableCount);
    }

    [Fact]
    public void EveryCheapRefusal_ComesBeforeTheSignatureCheck()
    {
        _height = 0;
        var options = new MempoolOptions { MaxTxBytes = 600, MaxNonceGap = 10, MaxGappedPerSender = 1 };
        var pool = NewPool(options);
        var alice = NewKey();
        var bob = NewKey();
        _committedNext[new Hash32(alice.PublicKey)] = 5;
        Assert.True(pool.Add(Tx(alice, 5)).IsAdmitted);
        Assert.True(pool.Add(Tx(alice, 7)).IsAdmitted);
        var checks = pool.SignatureChecks;
        var held = Tx(alice, 5);
        var padded = SignedTransaction.Parser.ParseFrom(Tx(bob, 1).ToByteArray().Concat(new byte[] { 0x7A, 0x01, 0x00 }).ToArray());

        var refused = pool.AddBatch(
        [
            held,                                                   // already held
            Tx(alice, 4),                                           // nonce used
            Tx(alice, 15),                                          // too far ahead
            Tx(alice, 5, "rival"),                                  // nonce taken
            Tx(alice, 9),                                           // alice already has her one waiting transaction
            Tx(bob, 1, new string('x', 1000)),                      // too large
            TransactionCodec.Create("other-chain", bob, 1, "land", "register", null), // wrong chain
            padded,                                                 // unsigned extra fields
            new SignedTransaction { Body = ByteString.CopyFrom(0xFF, 0x01), Signature = ByteString.CopyFrom(new byte[64]) }, // garbage
        ]);

        Assert.All(refused, r => Assert.False(r.IsAdmitted));
        Assert.Equal(checks, pool.SignatureChecks);

        // Each admission costs exactly one check, and a forged signature is caught by it.
        var forged = Tx(bob, 1);
        forged = new SignedTransaction { Body = forged.Body, Signature = ByteString.CopyFrom(alice.Sign(forged.Body.Span)) };
        Assert.Equal(AdmissionCode.BadSignature, pool.Add(forged).Code);
        Assert.Equal(checks + 1, pool.SignatureChecks);
        Assert.True(pool.Add(Tx(bob, 1)).IsAdmitted);
        Assert.Equal(checks + 2, pool.SignatureChecks);
    }

    [Fact]
    public void FullPool_RefusalCostsNoSignatureCheck()
    {
        var pool = NewPool(new MempoolOptions { MaxTransactions = 2 });
        pool.AddBatch([Tx(NewKey(), 1), Tx(NewKey(), 1)]);
        var checks = pool.SignatureChecks;

        var flood = pool.AddBatch(Enumerable.Range(0, 20).Select(_ => Tx(NewKey(), 1)).ToList());

        Assert.All(flood, r => Assert.Equal(AdmissionCode.PoolFull, r.Code));
        Assert.Equal(checks, pool.SignatureChecks);
    }

    [Fact]
    public void ExecutableTransactions_AreBoundedInBlocksOfTheBudget_AndARefusalSaysWhenToRetry()
    {
        var pool = NewPool(new MempoolOptions { PendingBlocks = 2 });
        pool.BlockBudget = () => 5;
        var admitted = pool.AddBatch(Enumerable.Range(0, 10).Select(_ => Tx(NewKey(), 1)).ToList());
        Assert.All(admitted, r => Assert.True(r.IsAdmitted && r.Executable));

        var refused = pool.Add(Tx(NewKey(), 1));

        Assert.Equal(AdmissionCode.PoolFull, refused.Code);
        Assert.True(refused.IsBackPressure);
        Assert.True(refused.RetryAfterMs > 0);
        Assert.Contains("retry in", refused.Reason);

        // Gossip from a validator that admitted it already gets slack: it is not refused for this node's view of the backlog.
        Assert.True(pool.AddBatch([Tx(NewKey(), 1)], fromPeer: true)[0].IsAdmitted);
    }

    [Fact]
    public void OneSender_CannotTakeMoreThanItsShare_OnceThePoolIsCrowded()
    {
        var pool = NewPool(new MempoolOptions { PendingBlocks = 1, MinSenderShare = 2 });
        pool.BlockBudget = () => 20;
        var other = NewKey();
        var greedy = NewKey();
        Assert.True(pool.Add(Tx(other, 1)).IsAdmitted);

        var results = pool.AddBatch(Enumerable.Range(1, 19).Select(n => Tx(greedy, (ulong)n)).ToList());

        // Two senders share 20 places: past half full, the greedy one is held to 10.
        Assert.Equal(10, results.Count(r => r.IsAdmitted));
        Assert.Equal(AdmissionCode.SenderFull, results[^1].Code);
        Assert.True(pool.Add(Tx(other, 2)).IsAdmitted);
    }

    [Fact]
    public void BackPressureRefusal_CarriesItsRetryHintToTheClient()
    {
        var refusal = new AdmissionResult(AdmissionCode.PoolFull, Hash32.Zero, "full") { RetryAfterMs = 750 };

        var ex = AdmissionStatus.ToException(refusal);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("750", ex.Trailers.GetValue(AdmissionStatus.RetryAfterTrailer));
    }
    [Fact]
    public void OneClientAddress_CannotTakeMoreThanItsShareOfSignatureChecks_AnotherStillGetsItsOwn()
    {
        var time = new ManualTime();
        var pool = NewPool(new MempoolOptions { SignatureChecksPerSecondPerClient = 5, SignatureCheckBurstPerClient = 5 }, time);

        // Twenty valid, executable transactions from fresh keys, one call each, as a flood arrives.
        var flood = Enumerable.Range(0, 20).Select(_ => pool.AddBatch([Tx(NewKey(), 1)], client: Abuser)[0]).ToList();

        Assert.Equal(5, flood.Count(r => r.IsAdmitted));
        Assert.Equal(5, pool.SignatureChecks);
        Assert.All(flood.Where(r => !r.IsAdmitted), r =>
        {
            Assert.Equal(AdmissionCode.ClientFull, r.Code);
            Assert.True(r.IsBackPressure);
            Assert.InRange(r.RetryAfterMs, 10, 5000);
            Assert.Equal(StatusCode.ResourceExhausted, AdmissionStatus.ToStatusCode(r.Code));
        });

        // The other address's share is its own: the flood took none of it.
        var normal = Enumerable.Range(0, 5).Select(_ => pool.AddBatch([Tx(NewKey(), 1)], client: Normal)[0]).ToList();
        Assert.All(normal, r => Assert.True(r.IsAdmitted));
        Assert.Equal(10, pool.SignatureChecks);

        // A second later the flooding address has earned one second's share again, and no more.
        time.Advance(TimeSpan.FromSeconds(1));
        var later = Enumerable.Range(0, 20).Select(_ => pool.AddBatch([Tx(NewKey(), 1)], client: Abuser)[0]).ToList();
        Assert.Equal(5, later.Count(r => r.IsAdmitted));
        Assert.Equal(15, pool.SignatureChecks);
    }

    [Fact]
    public void OneClientAddress_ChecksInProgressAtOnce_AreBoundedByItsBacklog()
    {
        var pool = NewPool(new MempoolOptions { MaxChecksInProgressPerClient = 3 });

        var first = pool.AddBatch(Enumerable.Range(0, 10).Select(_ => Tx(NewKey(), 1)).ToList(), client: Abuser);

        Assert.Equal(3, first.Count(r => r.IsAdmitted));
        Assert.All(first.Skip(3), r => Assert.Equal(AdmissionCode.ClientFull, r.Code));
        Assert.Equal(3, pool.SignatureChecks);

        // Answered checks give their places back, forged or not.
        var forged = Tx(NewKey(), 1);
        forged = new SignedTransaction { Body = forged.Body, Signature = ByteString.CopyFrom(new byte[64]) };
        Assert.Equal(AdmissionCode.BadSignature, pool.AddBatch([forged], client: Abuser)[0].Code);
        var second = pool.AddBatch(Enumerable.Range(0, 10).Select(_ => Tx(NewKey(), 1)).ToList(), client: Abuser);
        Assert.Equal(3, second.Count(r => r.IsAdmitted));
        Assert.Equal(7, pool.SignatureChecks);
    }

    [Fact]
    public void GappedTransactionsOfSendersThatCommittedNothing_GetASmallShare_AndTheRestCostNoSignatureCheck()
    {
        var pool = NewPool(new MempoolOptions { MaxGappedOfNewSenders = 4 });

        var keys = Enumerable.Range(0, 10).Select(_ => NewKey()).ToList();
        var fresh = keys.Select(k => pool.Add(Tx(k, 2))).ToList();

        Assert.Equal(4, fresh.Count(r => r.IsAdmitted));
        Assert.All(fresh.Skip(4), r => Assert.Equal(AdmissionCode.PoolFull, r.Code));
        Assert.Equal(4, pool.SignatureChecks);

        // A sender with committed history still waits for its gap, and a fresh key's first nonce is executable.
        var known = NewKey();
        _committedNext[new Hash32(known.PublicKey)] = 5;
        Assert.True(pool.Add(Tx(known, 7)).IsAdmitted);
        Assert.True(pool.Add(Tx(NewKey(), 1)).Executable);

        // Once a fresh sender's gap fills, its transaction leaves the new senders' share to another.
        Assert.True(pool.Add(Tx(keys[0], 1)).IsAdmitted);
        Assert.True(pool.Add(Tx(keys[9], 2)).IsAdmitted);
        Assert.Equal(AdmissionCode.PoolFull, pool.Add(Tx(keys[8], 2)).Code);
    }
}

using GovChain.Core.Crypto;
using GovChain.Core.Transactions;
using GovChain.Grpc.Peers;
using GovChain.Node.Mempool;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;

namespace GovChain.Node.Tests.Network;

public sealed class GossipTests : IDisposable
{
    private readonly KeyPair _sender = KeyPair.Generate();

    public void Dispose() => _sender.Dispose();

    private SignedTransaction Tx(ulong nonce, string memo = "") => TransactionCodec.Sign(new TransactionBody
    {
        ChainId = "peer-test",
        Sender = Google.Protobuf.ByteString.CopyFrom(_sender.PublicKey),
        Nonce = nonce,
        Contract = "land",
        Method = "RegisterParcel",
        Memo = memo,
    }, _sender);

    [Fact]
    public async Task Gossip_ManyTransactions_ArriveAtEveryPeerInBoundedBatches()
    {
        var options = PeerCluster.TestOptions();
        options.MaxGossipBatchTransactions = 50;
        await using var cluster = await PeerCluster.StartAsync(3, tls: false, options);
        var txs = Enumerable.Range(1, 420).Select(n => Tx((ulong)n)).ToArray();

        // Handed over in small slices, as a mempool would.
        foreach (var slice in txs.Chunk(7))
        {
            cluster[0].Network!.Gossip(slice);
        }

        await TestWait.UntilAsync(
            () => cluster[1].Handler.Transactions.Count == 420 && cluster[2].Handler.Transactions.Count == 420,
            "both peers received every transaction");
        foreach (var peer in new[] { cluster[1], cluster[2] })
        {
            var batches = peer.Handler.GossipBatches.ToArray();
            Assert.All(batches, b => Assert.Equal(cluster[0].ValidatorKey, b.From));
            Assert.All(batches, b => Assert.InRange(b.Count, 1, 50));
            Assert.True(batches.Length >= 420 / 50, $"{batches.Length} batches");
            Assert.Equal(txs.Select(t => t.Id()).ToHashSet(), peer.Handler.Transactions.Select(t => t.Id()).ToHashSet());
        }

        Assert.Empty(cluster[0].Handler.Transactions);
    }

    [Fact]
    public async Task GossipToAsync_ReturnsTheReceiversAdmissionResultsInOrder()
    {
        await using var cluster = await PeerCluster.StartAsync(2, tls: true);
        var batch = new[] { Tx(1), Tx(2, "refuse"), Tx(3) };

        var results = await cluster[0].Network!.GossipToAsync(cluster[1].ValidatorKey, batch, CancellationToken.None).WaitAsync(TestWait.Bound);

        Assert.Equal([AdmissionCode.Admitted, AdmissionCode.NonceTaken, AdmissionCode.Admitted], results.Select(r => r.Code));
        Assert.Equal(batch.Select(t => t.Id()), results.Select(r => r.TxId));
        Assert.Equal("nonce already taken", results[1].Reason);
        Assert.Single(cluster[1].Handler.GossipBatches);
    }

    [Fact]
    public async Task GossipToAsync_BatchOverTheReceiversBound_IsRefusedWithResourceExhausted()
    {
        var small = PeerCluster.TestOptions();
        small.MaxGossipBatchTransactions = 4;
        var (genesis, members) = PeerCluster.Plan(2, tls: false);
        var big = PeerCluster.TestOptions();
        big.MaxGossipBatchTransactions = 10;
        await using var receiver = new GrpcPeerNetwork(genesis, members[1].Id, members[1].Key, members[1].Handler, members[1].Transport, TimeProvider.System, members[1].Logs, small);
        await using var sender = new GrpcPeerNetwork(genesis, members[0].Id, members[0].Key, members[0].Handler, members[0].Transport, TimeProvider.System, members[0].Logs, big);
        await using var server = PeerCluster.CreateServer(genesis, members[1], receiver, small);
        await server.StartAsync();
        await sender.StartAsync(members[0].Handler, CancellationToken.None);
        await TestWait.UntilAsync(() => sender.Peers.Single().Connected, "the sender connected");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            sender.GossipToAsync(members[1].ValidatorKey, Enumerable.Range(1, 5).Select(n => Tx((ulong)n)).ToArray(), CancellationToken.None).WaitAsync(TestWait.Bound));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Empty(members[1].Handler.Transactions);
        var ok = await sender.GossipToAsync(members[1].ValidatorKey, [Tx(1)], CancellationToken.None).WaitAsync(TestWait.Bound);
        Assert.True(ok.Single().IsAdmitted);
        foreach (var m in members)
        {
            m.Dispose();
        }
    }
}

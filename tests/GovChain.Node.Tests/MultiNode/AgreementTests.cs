using GovChain.Contracts;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;

namespace GovChain.Node.Tests.MultiNode;

public sealed class AgreementTests
{
    [Fact]
    public async Task FourValidators_MixedRegistryWorkload_EveryNodeHoldsTheSameChainAndEveryAcknowledgedTx()
    {
        await using var cluster = new TestCluster(4);
        await cluster.StartAllAsync();

        // Identities of citizens, parcels registered to them, then transfer offers by the owners:
        // three registries, many senders, submitted to different nodes and gossiped.
        var citizens = Enumerable.Range(0, 12).Select(i => cluster.Key(1000 + i)).ToList();
        var acknowledged = new List<Hash32>();
        var first = new List<SignedTransaction>();
        for (var i = 0; i < citizens.Count; i++)
        {
            first.Add(cluster.Sign(citizens[i], IdentityCalls.Register(TestCluster.Sha($"citizen {i}")), 1));
            first.Add(cluster.Sign(cluster.Registrar, LandCalls.RegisterParcel($"LOT-{i}", citizens[i].PublicKey, TestCluster.Sha($"deed {i}"), 500 + (ulong)i), (ulong)i + 1));
        }

        acknowledged.AddRange(SubmitSpread(cluster, first));
        await WaitCommittedEverywhere(cluster, acknowledged);

        var offers = citizens.Select((c, i) => cluster.Sign(c, LandCalls.OfferTransfer($"LOT-{i}", citizens[(i + 1) % citizens.Count].PublicKey, 1000), 2)).ToList();
        var offerIds = SubmitSpread(cluster, offers);
        acknowledged.AddRange(offerIds);
        await WaitCommittedEverywhere(cluster, acknowledged);

        cluster.AssertSameChain();
        foreach (var node in cluster.Running)
        {
            foreach (var id in acknowledged)
            {
                var stored = node.Database.Blocks.GetTransaction(id);
                Assert.NotNull(stored);
                Assert.Equal(0u, stored!.Receipt.Code);
            }
        }
    }

    private static List<Hash32> SubmitSpread(TestCluster cluster, IReadOnlyList<SignedTransaction> txs)
    {
        var ids = new List<Hash32>();
        for (var i = 0; i < txs.Count; i++)
        {
            // One sender's transactions all go to one node (chosen by its key), so they arrive there in nonce order.
            var body = TransactionBody.Parser.ParseFrom(txs[i].Body);
            var node = cluster.Nodes[body.Sender[0] % cluster.Nodes.Length]!;
            var result = node.SubmitTransactions([txs[i]])[0];
            Assert.True(result.IsAdmitted, result.Reason);
            ids.Add(result.TxId);
        }

        return ids;
    }

    private static Task WaitCommittedEverywhere(TestCluster cluster, IReadOnlyList<Hash32> ids) =>
        TestCluster.WaitUntilAsync(
            () => cluster.Running.All(n => ids.All(id => n.Database.Blocks.GetTransaction(id) is not null)),
            $"{ids.Count} transactions committed on every node");
}

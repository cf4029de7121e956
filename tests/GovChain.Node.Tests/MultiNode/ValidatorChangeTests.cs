using Google.Protobuf;
using GovChain.Contracts;
using GovChain.Core.Hashing;
using GovChain.Node.Tests.Support;
using GovChain.Protocol.SystemContract;

namespace GovChain.Node.Tests.MultiNode;

public sealed class ValidatorChangeTests
{
    [Fact]
    public async Task ApprovedVotingPowerChange_TakesEffectTwoBlocksLater_WithoutAHalt()
    {
        await using var cluster = new TestCluster(4, inMemory: true);
        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(2, 0, 1, 2, 3);

        // dept-3 to power 40 of 70: from then on no block is certified without dept-3's signature.
        var propose = cluster.Sign(cluster.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.SetVotingPower("dept-3", 40)), 1);
        var proposeId = Submit(cluster, 0, propose);
        await WaitCommitted(cluster, proposeId);
        var outcome = ProposalOutcome.Parser.ParseFrom(cluster.Nodes[0]!.Database.Blocks.GetTransaction(proposeId)!.Receipt.Result);

        var approvals = new[] { 1, 2 }.Select(d =>
            Submit(cluster, d, cluster.Sign(cluster.Admins[d], SystemCalls.Approve(outcome.ProposalId, $"dept-{d}"), 1))).ToList();
        foreach (var id in approvals)
        {
            await WaitCommitted(cluster, id);
        }

        var executedAt = approvals.Max(id => cluster.Nodes[0]!.Database.Blocks.GetTransaction(id)!.Height);
        var effective = executedAt + 2;
        await cluster.WaitForHeightAsync(effective + 10, 0, 1, 2, 3);
        cluster.AssertSameChain();

        var node = cluster.Nodes[0]!;
        var newSet = node.Validators.For(effective);
        Assert.Equal(70ul, newSet.TotalPower);
        Assert.NotEqual(node.Validators.For(effective - 1).Hash, newSet.Hash);
        var dept3 = ByteString.CopyFrom(cluster.ValidatorKeys[3].PublicKey);
        for (var h = effective; h <= effective + 10; h++)
        {
            var header = node.Database.Blocks.GetHeader(h)!;
            Assert.True(newSet.Hash.Equals(header.ValidatorSetHash.Span));
            var certificate = node.Database.Blocks.GetCertificate(h)!;
            Assert.Contains(certificate.Signatures, s => s.Validator == dept3);
        }

        // The block before the change still named the old set as its own and the new one as next.
        var before = node.Database.Blocks.GetHeader(effective - 1)!;
        Assert.True(node.Validators.For(effective - 1).Hash.Equals(before.ValidatorSetHash.Span));
        Assert.True(newSet.Hash.Equals(before.NextValidatorSetHash.Span));
    }

    private static Hash32 Submit(TestCluster cluster, int node, Protocol.SignedTransaction tx)
    {
        var result = cluster.Nodes[node]!.SubmitTransactions([tx])[0];
        Assert.True(result.IsAdmitted, result.Reason);
        return result.TxId;
    }

    private static Task WaitCommitted(TestCluster cluster, Hash32 id) =>
        TestCluster.WaitUntilAsync(() => cluster.Running.All(n => n.Database.Blocks.GetTransaction(id) is not null), "transaction committed everywhere");
}

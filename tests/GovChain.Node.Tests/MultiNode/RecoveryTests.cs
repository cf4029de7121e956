using GovChain.Contracts;
using GovChain.Node.Tests.Support;

namespace GovChain.Node.Tests.MultiNode;

public sealed class RecoveryTests
{
    [Fact]
    public async Task StoppedValidator_RestartedFromItsDataDirectory_CatchesUpAndVotesAgain()
    {
        await using var cluster = new TestCluster(4);
        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(3, 0, 1, 2, 3);

        await cluster.StopAsync(3);
        var stoppedAt = cluster.Height(0);
        await cluster.WaitForHeightAsync(stoppedAt + 10, 0, 1, 2);

        await cluster.StartAsync(3);
        var target = cluster.Height(0);
        await cluster.WaitForHeightAsync(target, 3);

        // Node 3 must now carry its share: without node 0, the chain moves only with its votes.
        await cluster.StopAsync(0);
        var withoutZero = cluster.MaxHeight;
        await cluster.WaitForHeightAsync(withoutZero + 5, 1, 2, 3);
        cluster.AssertSameChain();

        // Restored from its WAL, node 3 re-sent what it had signed and never signed anything else.
        foreach (var node in cluster.Running)
        {
            Assert.Empty(node.Consensus.PendingEvidence);
            Assert.DoesNotContain(node.Database.Blocks.ReadRange(1, node.Database.Blocks.LastHeight), b => b.Block.Evidence.Count > 0);
        }
    }

    [Fact]
    public async Task ValidatorDownForHundredsOfBlocks_CatchesUpByBlockSync()
    {
        const ulong Gap = 300;

        // One proposer in four is down: short propose timeouts keep its rounds brief.
        await using var cluster = new TestCluster(4, configure: o => o.Consensus.ProposeMs = 200);
        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(2, 0, 1, 2, 3);
        await cluster.StopAsync(2);

        // Some transactions in the gap, so the synced blocks are re-executed with content.
        var citizen = cluster.Key(5000);
        for (ulong n = 1; n <= 20; n++)
        {
            var call = n == 1 ? IdentityCalls.Register(TestCluster.Sha("citizen")) : IdentityCalls.Update(TestCluster.Sha($"v{n}"));
            Assert.True(cluster.Nodes[0]!.SubmitTransactions([cluster.Sign(citizen, call, n)])[0].IsAdmitted);
        }

        var stoppedAt = cluster.Height(0);
        await TestCluster.WaitUntilAsync(
            () => cluster.Height(0) >= stoppedAt + Gap && cluster.Height(1) >= stoppedAt + Gap && cluster.Height(3) >= stoppedAt + Gap,
            () => $"{Gap} blocks without node 2 (at {cluster.Height(0)}, from {stoppedAt})",
            TimeSpan.FromMinutes(4));

        await cluster.StartAsync(2);
        var target = cluster.Height(0);
        await cluster.WaitForHeightAsync(target, 2);
        Assert.True(cluster.Height(2) >= stoppedAt + Gap);
        cluster.AssertSameChain();
    }

    [Fact]
    public async Task ValidatorWithWipedDataDirectory_RejoinsByBlockSyncThenSigns()
    {
        await using var cluster = new TestCluster(4);
        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(5, 0, 1, 2, 3);

        await cluster.StopAsync(1);
        Directory.Delete(cluster.DataDirectory(1), recursive: true);
        var target = cluster.Height(0) + 5;
        await cluster.WaitForHeightAsync(target, 0, 2, 3);

        await cluster.StartAsync(1);
        await cluster.WaitForHeightAsync(target, 1);
        await TestCluster.WaitUntilAsync(() => cluster.Nodes[1]!.Consensus.IsSigning, "node 1 signing again after catching up");

        // Node 1 must now carry its share: without node 3 the chain moves only with its votes.
        await cluster.StopAsync(3);
        var withoutThree = cluster.MaxHeight;
        await cluster.WaitForHeightAsync(withoutThree + 5, 0, 1, 2);
        cluster.AssertSameChain();
    }
}

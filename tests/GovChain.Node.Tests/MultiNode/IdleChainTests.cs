using GovChain.Contracts;
using GovChain.Node.Tests.Support;

namespace GovChain.Node.Tests.MultiNode;

public sealed class IdleChainTests
{
    [Fact]
    public async Task IdleChain_WaitsForTransactions_AndProposesAsSoonAsOneArrives()
    {
        // An empty block would come only after 500 s: anything committed within the test's
        // bound was proposed because a transaction arrived.
        await using var cluster = new TestCluster(1, inMemory: true, configure: o =>
        {
            o.Consensus.ProposeMs = 600_000;
            o.Consensus.EmptyBlockDelayMs = 500_000;
        });
        await cluster.StartAllAsync();
        var node = cluster.Nodes[0]!;
        Assert.Equal(0ul, node.Database.Blocks.LastHeight);

        var tx = cluster.Sign(cluster.Key(77), IdentityCalls.Register(TestCluster.Sha("idle")), 1);
        Assert.True(node.SubmitTransactions([tx])[0].IsAdmitted);

        await cluster.WaitForHeightAsync(1, 0);
        Assert.Equal(1u, node.Database.Blocks.GetHeader(1)!.TxCount);
    }
}

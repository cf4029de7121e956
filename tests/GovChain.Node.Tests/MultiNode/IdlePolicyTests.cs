using GovChain.Contracts;
using GovChain.Node.Tests.Support;

namespace GovChain.Node.Tests.MultiNode;

/// <summary>The idle policy (Consensus:IdleBlockIntervalMs) on four validators.</summary>
public sealed class IdlePolicyTests
{
    [Fact]
    public async Task QuietNetwork_MakesNoBlockWhileIdle_ThenCommitsATransactionInRoundZero()
    {
        // Propose timeouts of 300 ms would have made empty blocks (or nil rounds) many times over
        // while the test waits; the 600 s interval allows neither.
        await using var cluster = new TestCluster(4, inMemory: true, configure: o =>
        {
            o.Consensus.ProposeMs = 300;
            o.Consensus.IdleBlockIntervalMs = 600_000;
        });
        await cluster.StartAllAsync();

        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(0ul, cluster.MaxHeight);
        Assert.All(cluster.Running, n => Assert.Equal(0u, n.Consensus.Round));

        var tx = cluster.Sign(cluster.Key(41), IdentityCalls.Register(TestCluster.Sha("quiet")), 1);
        Assert.True(cluster.Nodes[2]!.SubmitTransactions([tx])[0].IsAdmitted);

        await cluster.WaitForHeightAsync(1, 0, 1, 2, 3);
        var node = cluster.Nodes[0]!;
        Assert.Equal(1u, node.Database.Blocks.GetHeader(1)!.TxCount);
        Assert.Equal(0u, node.Database.Blocks.GetCertificate(1)!.Round);
    }

    [Fact]
    public async Task QuietNetwork_MakesAnEmptyBlockEachInterval_WithoutTimingOutItsProposer()
    {
        // The interval is three propose timeouts: validators that did not hold their propose
        // timeout would prevote nil before the empty block comes and decide it in a later round.
        await using var cluster = new TestCluster(4, inMemory: true, configure: o =>
        {
            o.Consensus.ProposeMs = 500;
            o.Consensus.IdleBlockIntervalMs = 1500;
        });
        await cluster.StartAllAsync();

        await cluster.WaitForHeightAsync(3, 0, 1, 2, 3);
        var node = cluster.Nodes[0]!;
        for (var h = 1ul; h <= 3; h++)
        {
            Assert.Equal(0u, node.Database.Blocks.GetHeader(h)!.TxCount);
            Assert.Equal(0u, node.Database.Blocks.GetCertificate(h)!.Round);
        }

        cluster.AssertSameChain();
    }
}

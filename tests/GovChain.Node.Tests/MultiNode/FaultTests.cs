using GovChain.Node.Tests.Support;

namespace GovChain.Node.Tests.MultiNode;

public sealed class FaultTests
{
    [Fact]
    public async Task TwoOfFourDown_NoCommitsNoFork_CommitsResumeWhenTheyReturn()
    {
        await using var cluster = new TestCluster(4);
        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(3, 0, 1, 2, 3);

        await cluster.StopAsync(2);
        await cluster.StopAsync(3);
        var stuck = cluster.MaxHeight;

        // Half the power cannot reach a 2/3 quorum: the survivors keep exchanging (and
        // re-sending) votes at the next height without deciding it. Waiting for that traffic,
        // not for time, shows it.
        var delivered = cluster.Hub.Delivered;
        await TestCluster.WaitUntilAsync(() => cluster.Hub.Delivered >= delivered + 100, "100 consensus messages between the survivors");
        Assert.Equal(stuck, cluster.Height(0));
        Assert.Equal(stuck, cluster.Height(1));

        await cluster.StartAsync(2, 3);
        await cluster.WaitForHeightAsync(stuck + 5, 0, 1, 2, 3);
        cluster.AssertSameChain();
    }

    [Fact]
    public async Task LostMessages_ChainKeepsCommitting()
    {
        await using var cluster = new TestCluster(4, inMemory: true);
        var dropped = 0;
        cluster.Hub.DropFilter = (_, _, _) => Interlocked.Increment(ref dropped) % 5 == 0;
        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(20, 0, 1, 2, 3);
        Assert.True(cluster.Hub.Dropped > 0);
        cluster.AssertSameChain();
    }

    [Fact]
    public async Task DisconnectedValidator_ReconnectedThroughTheHub_CatchesUp()
    {
        await using var cluster = new TestCluster(4, inMemory: true);
        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(3, 0, 1, 2, 3);

        cluster.Hub.Disconnect(cluster.ValidatorKey(0));
        var cutAt = cluster.Height(1);
        await cluster.WaitForHeightAsync(cutAt + 20, 1, 2, 3);
        Assert.True(cluster.Height(0) <= cutAt + 1);

        cluster.Hub.Reconnect(cluster.ValidatorKey(0));
        await cluster.WaitForHeightAsync(cluster.Height(1), 0);
        cluster.AssertSameChain();
    }
}

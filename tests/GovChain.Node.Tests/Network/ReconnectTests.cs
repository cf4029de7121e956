using GovChain.Protocol;

namespace GovChain.Node.Tests.Network;

/// <summary>A peer whose server stops and starts again on its port is redialled without anyone's help.</summary>
public sealed class ReconnectTests
{
    private static ConsensusMessage Commit(ulong height) => new() { Commit = new CommitCertificate { Height = height } };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RestartedPeer_IsReconnected_AndMessagesFlowAgain(bool tls)
    {
        await using var cluster = await PeerCluster.StartAsync(3, tls);
        cluster[0].Network!.Broadcast(Commit(1));
        await TestWait.UntilAsync(() => cluster[1].Handler.Messages.Count == 1, "the first message arrived");

        await cluster.StopServerAsync(1);
        await TestWait.UntilAsync(
            () => !cluster[0].Network!.Peers.Single(p => p.DepartmentId == "dept-1").Connected,
            "node 0 noticed that node 1 went away");

        // Sent while the peer is down: dropped, never blocking the caller.
        cluster[0].Network!.SendTo(cluster[1].ValidatorKey, Commit(2));

        await cluster.StartServerAsync(1);
        await cluster.WaitAllConnectedAsync();
        cluster[0].Network!.SendTo(cluster[1].ValidatorKey, Commit(3));
        await TestWait.UntilAsync(() => cluster[1].Handler.Messages.Any(m => m.Message.Commit.Height == 3), "a message after the restart arrived");

        Assert.DoesNotContain(cluster[1].Handler.Messages, m => m.Message.Commit.Height == 2);
        Assert.True(cluster[0].Logs.Has(5300, "dept-1"));

        // The other direction never broke, and node 2 was unaffected.
        cluster[1].Network!.Broadcast(Commit(4));
        await TestWait.UntilAsync(
            () => cluster[0].Handler.Messages.Any(m => m.Message.Commit.Height == 4) && cluster[2].Handler.Messages.Any(m => m.Message.Commit.Height == 4),
            "node 1's broadcast arrived at both peers");
    }
}

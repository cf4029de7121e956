using Google.Protobuf;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Network;

public sealed class QueueAndBanTests
{
    /// <summary>A commit of roughly 16 KB, so a few hundred fill every HTTP/2 window on the way.</summary>
    private static ConsensusMessage BigCommit(ulong height)
    {
        var certificate = new CommitCertificate { Height = height };
        for (var i = 0; i < 200; i++)
        {
            certificate.Signatures.Add(new CommitSignature { Validator = ByteString.CopyFrom(new byte[32]), Signature = ByteString.CopyFrom(new byte[64]) });
        }

        return new ConsensusMessage { Commit = certificate };
    }

    [Fact]
    public async Task Broadcast_ToAPeerThatStopsReading_NeverBlocksAndDropsTheOldest()
    {
        var options = PeerCluster.TestOptions();
        options.MaxQueuedConsensusMessages = 8;
        using var gate = new ManualResetEventSlim(false);
        await using var cluster = await PeerCluster.StartAsync(2, tls: false, options);
        cluster[1].Handler.Blocking = gate;

        const int Count = 400;
        for (var h = 1UL; h <= Count; h++)
        {
            // Node 1 is stuck on the first message: if these calls waited for it, the test would never get past this loop.
            cluster[0].Network!.Broadcast(BigCommit(h));
        }

        gate.Set();
        await TestWait.UntilAsync(() => cluster[1].Handler.Messages.Any(m => m.Message.Commit.Height == Count), "the newest message arrived");

        var heights = cluster[1].Handler.Messages.Select(m => m.Message.Commit.Height).ToArray();
        Assert.True(heights.Length < Count, $"{heights.Length} of {Count} arrived; some should have been dropped");
        Assert.Equal(heights.Order().Distinct(), heights);
    }

    [Fact]
    public async Task ReportMisbehaviour_DisconnectsThePeerForTheBanThenReconnects()
    {
        var options = PeerCluster.TestOptions();
        // Long enough that node 1's redial lands inside the ban even on a loaded machine.
        options.MisbehaviourBan = TimeSpan.FromSeconds(5);
        await using var cluster = await PeerCluster.StartAsync(3, tls: true, options);

        cluster[0].Network!.ReportMisbehaviour(cluster[1].ValidatorKey, "served a block with a bad certificate");

        await TestWait.UntilAsync(() => cluster[1].Logs.Has(5303, "misbehaviour"), "node 1's redial was refused during the ban");
        Assert.True(cluster[0].Logs.Has(5305, "bad certificate"));
        Assert.False(cluster[0].Network!.Peers.Single(p => p.DepartmentId == "dept-1").Connected);
        Assert.True(cluster[0].Network!.Peers.Single(p => p.DepartmentId == "dept-2").Connected);

        await cluster.WaitAllConnectedAsync();
        cluster[1].Network!.SendTo(cluster[0].ValidatorKey, new ConsensusMessage { Commit = new CommitCertificate { Height = 77 } });
        await TestWait.UntilAsync(() => cluster[0].Handler.Messages.Any(m => m.Message.Commit.Height == 77), "messages flow again after the ban");
    }
}

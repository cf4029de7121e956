using Google.Protobuf;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Network;

/// <summary>Four departments over mutual TLS: consensus messages reach the right peers, attributed to their sender.</summary>
public sealed class ConsensusDeliveryTests
{
    private static ConsensusMessage Prevote(ulong height, uint round, PeerCluster.Member from) => new()
    {
        Vote = new Vote
        {
            Type = VoteType.Prevote,
            Height = height,
            Round = round,
            Validator = ByteString.CopyFrom(from.Key.PublicKey),
        },
    };

    [Fact]
    public async Task Broadcast_FromEachNode_ReachesEveryOtherNodeAttributedToTheSender()
    {
        await using var cluster = await PeerCluster.StartAsync(4, tls: true);
        for (var i = 0; i < 4; i++)
        {
            for (var n = 0; n < 10; n++)
            {
                cluster[i].Network!.Broadcast(Prevote(7, (uint)n, cluster[i]));
            }
        }

        await TestWait.UntilAsync(() => cluster.Members.All(m => m.Handler.Messages.Count == 30), "every node received 30 messages");
        foreach (var receiver in cluster.Members)
        {
            Assert.DoesNotContain(receiver.Handler.Messages, m => m.From == receiver.ValidatorKey);
            foreach (var sender in cluster.Members.Where(m => m != receiver))
            {
                var fromSender = receiver.Handler.Messages.Where(m => m.From == sender.ValidatorKey).Select(m => m.Message).ToArray();
                Assert.Equal(10, fromSender.Length);

                // Attribution comes from the authenticated session, and agrees with what the sender put inside.
                Assert.All(fromSender, m => Assert.Equal(sender.Key.PublicKey.ToArray(), m.Vote.Validator.ToByteArray()));

                // One stream per peer keeps each sender's messages in order.
                Assert.Equal(Enumerable.Range(0, 10).Select(r => (uint)r), fromSender.Select(m => m.Vote.Round));
            }
        }
    }

    [Fact]
    public async Task SendTo_OneValidator_ReachesOnlyThatNode()
    {
        await using var cluster = await PeerCluster.StartAsync(4, tls: true);
        var message = Prevote(3, 1, cluster[0]);
        cluster[0].Network!.SendTo(cluster[2].ValidatorKey, message);

        await TestWait.UntilAsync(() => cluster[2].Handler.Messages.Count == 1, "the addressee received the message");

        // A broadcast sent afterwards overtakes nothing on the other streams: once it has
        // arrived everywhere, the directed message can no longer be in flight to the others.
        cluster[0].Network!.Broadcast(Prevote(3, 2, cluster[0]));
        await TestWait.UntilAsync(() => cluster.Members.Skip(1).All(m => m.Handler.Messages.Any(x => x.Message.Vote.Round == 2)), "the broadcast arrived");
        Assert.Single(cluster[1].Handler.Messages);
        Assert.Single(cluster[3].Handler.Messages);
        Assert.Equal(2, cluster[2].Handler.Messages.Count);
        var (from, received) = cluster[2].Handler.Messages.First();
        Assert.Equal(cluster[0].ValidatorKey, from);
        Assert.Equal(message, received);
    }

    [Fact]
    public async Task Heights_ReportedByPeers_ReachTheHandlerAndTheSnapshot()
    {
        await using var cluster = await PeerCluster.StartAsync(3, tls: true);
        cluster[1].Handler.Height = 42;
        cluster[2].Handler.Height = 17;

        await TestWait.UntilAsync(
            () => cluster[0].Handler.PeerHeights.GetValueOrDefault(cluster[1].ValidatorKey) == 42
                && cluster[0].Handler.PeerHeights.GetValueOrDefault(cluster[2].ValidatorKey) == 17,
            "node 0 learned the heights of its peers");
        var peers = cluster[0].Network!.Peers;
        Assert.Equal(2, peers.Count);
        Assert.Equal(42UL, peers.Single(p => p.DepartmentId == "dept-1").Height);
        Assert.Equal(17UL, peers.Single(p => p.DepartmentId == "dept-2").Height);
        Assert.All(peers, p => Assert.True(p.Connected));
    }
}

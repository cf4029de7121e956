using System.Security.Cryptography;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Grpc.Peers;
using GovChain.Node.Mempool;
using GovChain.Node.Metrics;
using GovChain.Node.Network;
using GovChain.Node.Network.InMemory;
using GovChain.Node.Tests.Network;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;

namespace GovChain.Node.Tests.MultiNode;

/// <summary>One malicious department of four: it cannot halt the other three, nor make them loop (issue #11).</summary>
public sealed class HostilePeerTests
{
    private const int Hostile = 3;
    private static readonly int[] Honest = [0, 1, 2];

    [Fact]
    public async Task ForgedVoteFlood_HonestNodesKeepCommitting_AndBanTheFlooder()
    {
        await using var cluster = await GrpcNodeCluster.StartAsync(4, honest: 3);
        await cluster.WaitForHeightAsync(2, Honest);
        var flooder = await cluster.StartBarePeerAsync(Hostile, new FakePeerHandler());
        using var stop = new CancellationTokenSource();
        var flood = Task.Run(() => FloodAsync(flooder, cluster, stop.Token));
        try
        {
            var before = cluster.MinHeight;
            await cluster.WaitForHeightAsync(before + 5, Honest);
            await TestCluster.WaitUntilAsync(
                () => Honest.All(i => cluster.Logs[i].Has(5305, "dept-3 reported for misbehaviour: a consensus vote whose signature does not verify")),
                "every honest node reported and banned the flooder");
            Assert.False(flood.IsCompleted, "the flood ran all along");
            await cluster.WaitForHeightAsync(cluster.MinHeight + 3, Honest);
        }
        finally
        {
            await stop.CancelAsync();
            await flood;
        }
    }

    [Fact]
    public async Task HeightClaimNobodyServes_SyncAttemptsAndTheirWarningsStayBounded()
    {
        await using var cluster = await GrpcNodeCluster.StartAsync(4, honest: 3);
        await cluster.WaitForHeightAsync(2, Honest);
        await cluster.StartBarePeerAsync(Hostile, new FakePeerHandler { Height = ulong.MaxValue });
        await TestCluster.WaitUntilAsync(
            () => Honest.All(i => cluster.Nodes[i]!.Network.Peers.Any(p => p.DepartmentId == "dept-3" && p.Height == ulong.MaxValue)),
            "every honest node heard the claim of height 2^64-1");

        await cluster.WaitForHeightAsync(cluster.MinHeight + 15, Honest);

        // A pass that brings nothing ends with one "no peer could serve" warning: without a bound
        // on attempts the claim drives thousands of them; with it, only a few before it is ignored.
        foreach (var i in Honest)
        {
            var warnings = cluster.Count(i, 5308);
            Assert.True(warnings <= 10, $"node {i} logged {warnings} fetch warnings");
        }

        Assert.All(Honest, i => Assert.True(cluster.Logs[i].Has(7114, "claimed height 18446744073709551615")));
    }

    [Fact]
    public async Task SyncingNode_PeerServingBlocksThatDoNotVerify_IsReported_AndTheBlocksComeFromAnother()
    {
        await using var cluster = new TestCluster(4, inMemory: true);
        await cluster.StartAsync(Honest);
        await cluster.WaitForHeightAsync(5, Honest);
        var forger = cluster.Hub.Join(TestCluster.DepartmentId(Hostile), cluster.ValidatorKey(Hostile));
        await forger.StartAsync(new ForgingServer(cluster), CancellationToken.None);
        try
        {
            // Node 2 comes back with an empty database: it needs every block, and the forger claims the most.
            await cluster.StopAsync(2);
            var stalled = cluster.MaxHeight;
            await cluster.StartAsync(2);

            await cluster.WaitForHeightAsync(stalled + 3, Honest);
            var reports = ((InMemoryPeerNetwork)cluster.Nodes[2]!.Network).Misbehaviour;
            Assert.Contains(reports, r => r.Validator == cluster.ValidatorKey(Hostile) && r.Reason.Contains("block sync", StringComparison.Ordinal));
            cluster.AssertSameChain();
        }
        finally
        {
            await forger.DisposeAsync();
        }
    }

    [Fact]
    public async Task ValidlySignedFlood_BeyondThePeersCheckBudget_IsDroppedUnchecked_AndHonestNodesKeepCommitting()
    {
        // A budget far below what a loaded machine verifies: the refill during the flood's own checks cannot cover it.
        await using var cluster = new TestCluster(4, inMemory: true, configure: o => o.Consensus.PeerSignatureChecksPerSecond = 400);
        await cluster.StartAsync(Honest);
        await cluster.WaitForHeightAsync(2, Honest);
        using var exporter = new PrometheusExporter(cluster.Nodes[0]!.Metrics.Meter);
        var flooder = cluster.Hub.Join(TestCluster.DepartmentId(Hostile), cluster.ValidatorKey(Hostile));
        await flooder.StartAsync(new FakePeerHandler(), CancellationToken.None);
        try
        {
            // Distinct votes the flooder really signed, for heights ahead: nothing to ban, each a new check.
            var key = cluster.ValidatorKeys[Hostile];
            var ahead = cluster.MaxHeight + 2;
            var votes = Enumerable.Range(0, 6000)
                .Select(i => new ConsensusMessage { Vote = Votes.Sign(cluster.Genesis.SigningChainId, VoteType.Prevote, ahead + (ulong)(i / 50), (uint)(i % 50), null, key) })
                .ToList();
            var before = cluster.MinHeight;
            foreach (var vote in votes)
            {
                flooder.Broadcast(vote);
            }

            await cluster.WaitForHeightAsync(before + 5, Honest);
            Assert.Contains("govchain_messages_rejected_total{reason=\"peer_check_budget\"}", exporter.Render(), StringComparison.Ordinal);
            Assert.DoesNotContain(((InMemoryPeerNetwork)cluster.Nodes[0]!.Network).Misbehaviour, r => r.Validator == cluster.ValidatorKey(Hostile));
        }
        finally
        {
            await flooder.DisposeAsync();
        }
    }

    /// <summary>Votes of the flooder's key at the honest nodes' height, each with a different round and a random signature.</summary>
    private static async Task FloodAsync(GrpcPeerNetwork flooder, GrpcNodeCluster cluster, CancellationToken cancellationToken)
    {
        var key = ByteString.CopyFrom(cluster.Keys.ValidatorKeys[Hostile].PublicKey);
        var signature = new byte[64];
        uint round = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var height = cluster.Running.Max(n => n.Database.Blocks.LastHeight) + 1;
            for (var i = 0; i < 200; i++)
            {
                RandomNumberGenerator.Fill(signature);
                flooder.Broadcast(new ConsensusMessage
                {
                    Vote = new Vote
                    {
                        Type = VoteType.Prevote,
                        Height = height,
                        Round = round++ % 8,
                        Validator = key,
                        Signature = ByteString.CopyFrom(signature),
                    },
                });
            }

            try
            {
                await Task.Delay(1, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims to be ahead of everyone and serves node 0's blocks with one certificate signature altered.</summary>
    private sealed class ForgingServer(TestCluster cluster) : IPeerHandler
    {
        public ulong Height => (cluster.Nodes[0]?.Database.Blocks.LastHeight ?? 0) + 10;

        public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message)
        {
        }

        public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions) =>
            new AdmissionResult[transactions.Count];

        public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight)
        {
            if (cluster.Nodes[0] is not { } source)
            {
                yield break;
            }

            foreach (var block in source.PeerHandler.ReadBlocks(fromHeight, toHeight).ToList())
            {
                var forged = block.Clone();
                var signature = forged.Certificate.Signatures[0].Signature.ToByteArray();
                signature[0] ^= 0x01;
                forged.Certificate.Signatures[0].Signature = ByteString.CopyFrom(signature);
                yield return forged;
            }
        }

        public void OnPeerHeight(Hash32 validator, ulong height)
        {
        }
    }
}

using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Mempool;
using GovChain.Node.Metrics;
using GovChain.Node.Network;
using GovChain.Node.Network.InMemory;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;

namespace GovChain.Node.Tests.MultiNode;

public sealed class ByzantineTests
{
    [Fact]
    public async Task EquivocatingValidator_HonestNodesAgree_AndItsDoubleVoteIsCommittedAsEvidence()
    {
        await using var cluster = new TestCluster(4, inMemory: true);
        var liar = cluster.Hub.Join("dept-3", cluster.ValidatorKey(3));
        await liar.StartAsync(new Equivocator(liar, cluster.ValidatorKeys[3], cluster.Genesis.SigningChainId), CancellationToken.None);
        var nodes = new[] { 0, 1, 2 }.Select(cluster.Create).ToList();
        using var exporter = new PrometheusExporter(nodes[0].Metrics.Meter);
        await Task.WhenAll(nodes.Select(n => n.StartAsync()));

        var key = cluster.ValidatorKeys[3].PublicKey.ToArray();
        await TestCluster.WaitUntilAsync(
            () => FindEvidence(cluster, key) is not null,
            "a committed block carrying the equivocator's double vote");

        var evidence = FindEvidence(cluster, key)!;
        Assert.Equal(evidence.VoteA.Height, evidence.VoteB.Height);
        Assert.NotEqual(evidence.VoteA.BlockHash, evidence.VoteB.BlockHash);
        await cluster.WaitForHeightAsync(cluster.MaxHeight + 2, 0, 1, 2);
        cluster.AssertSameChain();
        Assert.Contains("govchain_messages_rejected_total{reason=\"consensus_equivocation\"}", exporter.Render(), StringComparison.Ordinal);
        await liar.DisposeAsync();
    }

    private static DuplicateVoteEvidence? FindEvidence(TestCluster cluster, byte[] key)
    {
        var node = cluster.Nodes[0]!;
        foreach (var stored in node.Database.Blocks.ReadRange(1, node.Database.Blocks.LastHeight))
        {
            foreach (var e in stored.Block.Evidence)
            {
                if (e.KindCase == Evidence.KindOneofCase.DuplicateVote && e.DuplicateVote.VoteA.Validator.Span.SequenceEqual(key))
                {
                    return e.DuplicateVote;
                }
            }
        }

        return null;
    }

    /// <summary>A validator that answers every proposal with two different prevotes and two different precommits.</summary>
    private sealed class Equivocator(InMemoryPeerNetwork network, KeyPair key, string signingId) : IPeerHandler
    {
        public ulong Height => 0;

        public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message)
        {
            if (message.KindCase != ConsensusMessage.KindOneofCase.Proposal)
            {
                return;
            }

            var p = message.Proposal;
            var hash = p.Block.Header.Hash();
            foreach (var type in new[] { VoteType.Prevote, VoteType.Precommit })
            {
                network.Broadcast(new ConsensusMessage { Vote = Votes.Sign(signingId, type, p.Height, p.Round, hash, key) });
                network.Broadcast(new ConsensusMessage { Vote = Votes.Sign(signingId, type, p.Height, p.Round, null, key) });
            }
        }

        public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions) =>
            new AdmissionResult[transactions.Count];

        public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight) => [];

        public void OnPeerHeight(Hash32 validator, ulong height)
        {
        }
    }
}

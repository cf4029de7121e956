using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Node.Chain;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Chain;

/// <summary>Evidence that must not stop the chain: of oversized proposals, or of heights a pruning node no longer keeps.</summary>
public sealed class BlockExecutorEvidenceBoundsTests
{
    private static void Commit(TestCluster cluster, BlockExecutor executor, Block block)
    {
        var hash = block.Header.Hash();
        var vote = Votes.Sign(cluster.Genesis.SigningChainId, VoteType.Precommit, block.Header.Height, 0, hash, cluster.ValidatorKeys[0]);
        executor.Commit(block, hash, CommitCertificates.FromPrecommits(block.Header.Height, 0, hash, [vote]));
    }

    /// <summary>A block of validator 0 at height 1 whose one transaction is <paramref name="bytes"/> long, its body matching its header.</summary>
    private static Block LargeBlock(TestCluster cluster, int bytes, long time)
    {
        var block = new Block
        {
            Header = new BlockHeader
            {
                ChainId = TestCluster.ChainId,
                Height = 1,
                TimeUnixMs = time,
                Proposer = ByteString.CopyFrom(cluster.ValidatorKeys[0].PublicKey),
                TxCount = 1,
            },
        };
        block.Transactions.Add(new SignedTransaction { Body = ByteString.CopyFrom(new byte[bytes]), Signature = ByteString.CopyFrom(new byte[64]) });
        block.Header.TxRoot = ByteString.CopyFrom(BlockHashing.TxRoot(block.Transactions).ToArray());
        block.Header.EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot(block.Evidence).ToArray());
        return block;
    }

    [Fact]
    public async Task EvidenceOfTwoOversizedProposals_IsCarriedWithinTheBlockBound()
    {
        await using var cluster = new TestCluster(1, inMemory: true);
        var node = cluster.Create(0);
        var executor = node.Executor;
        var observer = new ConsensusMachine(new ConsensusOptions(TestCluster.ChainId) { SigningId = cluster.Genesis.SigningChainId }, 1, executor.Validators.For(1), null, Ed25519SignatureVerifier.Instance);
        observer.Start();
        var size = (int)(executor.MaxBlockBytes * 2 / 3);
        foreach (var time in new long[] { 1, 2 })
        {
            var block = LargeBlock(cluster, size, time);
            observer.Handle(new MessageReceived(new ConsensusMessage { Proposal = Votes.SignProposal(cluster.Genesis.SigningChainId, 1, 0, -1, block, cluster.ValidatorKeys[0]) }));
        }

        var evidence = Assert.Single(observer.Evidence);
        var proposal = executor.BuildProposal(1, [evidence]).Block;

        Assert.Equal(evidence, Assert.Single(proposal.Evidence));
        Assert.True(proposal.CalculateSize() <= executor.MaxBlockBytes, $"proposal of {proposal.CalculateSize()} bytes");
        Assert.Null(executor.Validate(proposal, proposal.Header.Hash()));
        Commit(cluster, executor, proposal);
        Assert.Empty(executor.BuildProposal(2, [evidence]).Block.Evidence);
    }

    [Fact]
    public async Task EvidenceOfAPrunedHeight_IsRefusedLive_NotThrown_AndTakenOnACertificate()
    {
        await using var cluster = new TestCluster(1, inMemory: true, configure: o => o.Storage.KeepRecentHeights = 16);
        var node = cluster.Create(0);
        var executor = node.Executor;
        for (ulong height = 1; height <= 30; height++)
        {
            Commit(cluster, executor, executor.BuildProposal(height, []).Block);
        }

        Assert.True(node.Database.State.OldestHeight > 3, $"oldest state kept is {node.Database.State.OldestHeight}");
        var a = Votes.Sign(cluster.Genesis.SigningChainId, VoteType.Prevote, 5, 0, new Hash32(TestCluster.Sha("a")), cluster.ValidatorKeys[0]);
        var b = Votes.Sign(cluster.Genesis.SigningChainId, VoteType.Prevote, 5, 0, new Hash32(TestCluster.Sha("b")), cluster.ValidatorKeys[0]);
        var evidence = EvidenceCanonicalForm.Canonicalize(new Evidence { DuplicateVote = new DuplicateVoteEvidence { VoteA = a, VoteB = b } });

        Assert.Empty(executor.BuildProposal(31, [evidence]).Block.Evidence);
        var block = executor.BuildProposal(31, []).Block.Clone();
        block.Evidence.Add(evidence);
        block.Header.EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot(block.Evidence).ToArray());

        Assert.Contains("pruned", executor.Validate(block, block.Header.Hash()));
        Commit(cluster, executor, block);
        Assert.Equal(31ul, node.Database.Blocks.LastHeight);
    }
}

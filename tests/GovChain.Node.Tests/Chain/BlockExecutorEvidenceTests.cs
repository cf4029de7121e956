using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Node.Chain;
using GovChain.Node.Hosting;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Chain;

/// <summary>The block rules that commit each equivocation once, and the proposal's evidence selection.</summary>
public sealed class BlockExecutorEvidenceTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new(1, inMemory: true);
    private GovChainNode _node = null!;

    public Task InitializeAsync()
    {
        _node = _cluster.Create(0);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private BlockExecutor Executor => _node.Executor;

    /// <summary>A prevote of the only validator at height 1 for a block named by <paramref name="name"/>.</summary>
    private Vote Prevote(string name, uint round = 0) =>
        Votes.Sign(_cluster.Genesis.SigningChainId, VoteType.Prevote, 1, round, new Hash32(TestCluster.Sha(name)), _cluster.ValidatorKeys[0]);

    private static Evidence Pair(Vote a, Vote b) => new() { DuplicateVote = new DuplicateVoteEvidence { VoteA = a, VoteB = b } };

    private static Evidence Canonical(Vote a, Vote b) => EvidenceCanonicalForm.Canonicalize(Pair(a, b));

    private static Evidence Reversed(Vote a, Vote b)
    {
        var canonical = Canonical(a, b);
        return Pair(canonical.DuplicateVote.VoteB, canonical.DuplicateVote.VoteA);
    }

    /// <summary>This node's proposal for <paramref name="height"/> with its evidence replaced (and the header's evidence hash to match).</summary>
    private Block ProposalCarrying(ulong height, params Evidence[] evidence)
    {
        var block = Executor.BuildProposal(height, []).Block.Clone();
        block.Evidence.Clear();
        block.Evidence.AddRange(evidence);
        block.Header.EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot(block.Evidence).ToArray());
        return block;
    }

    private void Commit(Block block)
    {
        var hash = block.Header.Hash();
        var vote = Votes.Sign(_cluster.Genesis.SigningChainId, VoteType.Precommit, block.Header.Height, 0, hash, _cluster.ValidatorKeys[0]);
        Executor.Commit(block, hash, CommitCertificates.FromPrecommits(block.Header.Height, 0, hash, [vote]));
    }

    [Fact]
    public void BuildProposal_PiecesOfOneOffenceInAnyOrder_CarriesOneCanonicalPiecePerOffence()
    {
        var (x, y, z) = (Prevote("x"), Prevote("y"), Prevote("z"));
        var otherRound = Canonical(Prevote("x", round: 1), Prevote("y", round: 1));

        var block = Executor.BuildProposal(1, [Reversed(x, y), Canonical(x, y), Canonical(x, z), otherRound]).Block;

        Assert.Equal(2, block.Evidence.Count);
        Assert.Equal(Canonical(x, y), block.Evidence[0]);
        Assert.Equal(otherRound, block.Evidence[1]);
        Assert.Null(Executor.Validate(block, block.Header.Hash()));
    }

    [Fact]
    public void Validate_EvidenceNotInCanonicalOrder_IsRefused()
    {
        var block = ProposalCarrying(1, Reversed(Prevote("x"), Prevote("y")));

        var fixedUp = ProposalCarrying(1, Canonical(Prevote("x"), Prevote("y")));

        Assert.Contains("canonical order", Executor.Validate(block, block.Header.Hash()));
        Assert.Null(Executor.Validate(fixedUp, fixedUp.Header.Hash()));
    }

    [Fact]
    public void Validate_TwoPiecesOfOneOffence_IsRefused()
    {
        var (x, y, z) = (Prevote("x"), Prevote("y"), Prevote("z"));
        var block = ProposalCarrying(1, Canonical(x, y), Canonical(y, z));

        Assert.Contains("appears twice", Executor.Validate(block, block.Header.Hash()));
    }

    [Fact]
    public void Validate_OffenceAnEarlierBlockCommitted_IsRefused_AndTheNextProposalLeavesItOut()
    {
        var (x, y, z) = (Prevote("x"), Prevote("y"), Prevote("z"));
        var first = ProposalCarrying(1, Canonical(x, y));
        Assert.Null(Executor.Validate(first, first.Header.Hash()));
        Commit(first);

        // Another pair of the same offence (as another node would have seen it) is refused...
        var repeat = ProposalCarrying(2, Canonical(x, z));
        Assert.Contains("already committed in block 1", Executor.Validate(repeat, repeat.Header.Hash()));
        var synced = new CertifiedBlock { Block = repeat, Certificate = new CommitCertificate() };
        Assert.NotNull(Executor.ApplySynced(synced, out var committed));
        Assert.Null(committed);

        // ...and a proposal built from a pool still holding it carries only the new offence.
        var newOffence = Canonical(Prevote("x", round: 3), Prevote("y", round: 3));
        var proposal = Executor.BuildProposal(2, [Canonical(x, y), Canonical(x, z), newOffence]).Block;
        Assert.Equal(newOffence, Assert.Single(proposal.Evidence));
        Assert.Null(Executor.Validate(proposal, proposal.Header.Hash()));
        Assert.Equal(1ul, _node.Database.Blocks.LastHeight);
    }

    [Fact]
    public void Validate_EvidenceThatFailsItsOwnChecks_IsRefused_AndNotProposed()
    {
        var x = Prevote("x");
        var forged = Prevote("y");
        forged.Signature = ByteString.CopyFrom(new byte[64]);
        var bad = Canonical(x, forged);

        var block = ProposalCarrying(1, bad);

        Assert.Contains("signature", Executor.Validate(block, block.Header.Hash()));
        Assert.Empty(Executor.BuildProposal(1, [bad]).Block.Evidence);
    }
}

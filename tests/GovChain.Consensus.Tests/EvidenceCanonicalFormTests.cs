using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

public sealed class EvidenceCanonicalFormTests
{
    private static Evidence VotePair(Vote a, Vote b) => new() { DuplicateVote = new DuplicateVoteEvidence { VoteA = a, VoteB = b } };

    private static Evidence ProposalPair(SignedProposalDigest a, SignedProposalDigest b) => new() { DuplicateProposal = new DuplicateProposalEvidence { ProposalA = a, ProposalB = b } };

    [Fact]
    public void Canonicalize_VotesInEitherOrder_GiveTheSameBytes()
    {
        using var vals = new TestValidators(4);
        var nil = vals.Vote(1, VoteType.Prevote, 3, 0, null);
        var forBlock = vals.Vote(1, VoteType.Prevote, 3, 0, vals.Block(3, 0).Header.Hash());

        var one = EvidenceCanonicalForm.Canonicalize(VotePair(nil, forBlock));
        var other = EvidenceCanonicalForm.Canonicalize(VotePair(forBlock, nil));

        Assert.Equal(one.ToByteArray(), other.ToByteArray());
        Assert.Equal(one.Hash(), other.Hash());
        Assert.True(EvidenceCanonicalForm.IsCanonical(one));
        Assert.Same(nil, one.DuplicateVote.VoteA);
    }

    [Fact]
    public void IsCanonical_ReversedPairOfProposals_IsFalse_AndCanonicalizeFixesIt()
    {
        using var vals = new TestValidators(4);
        var first = vals.Digest(1, vals.Block(1, 1, salt: 1));
        var second = vals.Digest(1, vals.Block(1, 1, salt: 2));
        var ordered = first.BlockHash.Span.SequenceCompareTo(second.BlockHash.Span) < 0 ? (first, second) : (second, first);
        var reversed = ProposalPair(ordered.Item2, ordered.Item1);

        Assert.False(EvidenceCanonicalForm.IsCanonical(reversed));
        var canonical = EvidenceCanonicalForm.Canonicalize(reversed);
        Assert.True(EvidenceCanonicalForm.IsCanonical(canonical));
        Assert.Same(ordered.Item1, canonical.DuplicateProposal.ProposalA);
        Assert.Null(EvidenceVerifier.Check(canonical, vals.Set, TestValidators.ChainId, Ed25519SignatureVerifier.Instance));
    }

    [Fact]
    public void IsCanonical_MissingOrIdenticalMessages_IsFalse_AndCanonicalizeLeavesThem()
    {
        using var vals = new TestValidators(4);
        var vote = vals.Vote(1, VoteType.Precommit, 1, 0, null);
        var cases = new[] { VotePair(vote, vote), VotePair(vote, null!), new Evidence(), ProposalPair(new SignedProposalDigest(), new SignedProposalDigest()) };

        foreach (var evidence in cases)
        {
            Assert.False(EvidenceCanonicalForm.IsCanonical(evidence));
            Assert.Same(evidence, EvidenceCanonicalForm.Canonicalize(evidence));
        }
    }

    [Fact]
    public void Canonicalize_AnyTwoDifferentBlockHashes_IsOrderIndependentAndIdempotent()
    {
        // Signatures are not checked here; only the order of what was signed matters.
        var hashes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 32).Select(b => new Hash32(b));
        Prop.ForAll(
            hashes.Two().Where(p => p.Item1 != p.Item2).ToArbitrary(),
            pair =>
            {
                var a = new Vote { Type = VoteType.Precommit, Height = 5, Round = 1, BlockHash = ByteString.CopyFrom(pair.Item1.ToArray()) };
                var b = new Vote { Type = VoteType.Precommit, Height = 5, Round = 1, BlockHash = ByteString.CopyFrom(pair.Item2.ToArray()) };
                var ab = EvidenceCanonicalForm.Canonicalize(VotePair(a, b));
                var ba = EvidenceCanonicalForm.Canonicalize(VotePair(b, a));
                Assert.Equal(ab, ba);
                Assert.True(EvidenceCanonicalForm.IsCanonical(ab));
                Assert.Same(ab, EvidenceCanonicalForm.Canonicalize(ab));
                Assert.True(new Hash32(ab.DuplicateVote.VoteA.BlockHash.Span) < new Hash32(ab.DuplicateVote.VoteB.BlockHash.Span));
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Receive_ConflictingVotesInOppositeOrders_TwoMachinesReportIdenticalEvidence()
    {
        using var vals = new TestValidators(4);
        var nil = vals.VoteMessage(2, VoteType.Precommit, 1, 0, null);
        var forBlock = vals.VoteMessage(2, VoteType.Precommit, 1, 0, vals.Block(1, 1).Header.Hash());
        var one = vals.Machine(0);
        var other = vals.Machine(1);
        one.Start();
        other.Start();

        one.Receive(nil);
        var fromOne = one.Receive(forBlock).Single<ReportEvidence>().Evidence;
        other.Receive(forBlock);
        var fromOther = other.Receive(nil).Single<ReportEvidence>().Evidence;

        Assert.Equal(fromOne.Hash(), fromOther.Hash());
        Assert.True(EvidenceCanonicalForm.IsCanonical(fromOther));
        Assert.Equal(fromOther, Assert.Single(other.Evidence));
    }
}

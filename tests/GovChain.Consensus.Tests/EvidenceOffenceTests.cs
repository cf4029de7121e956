using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

public sealed class EvidenceOffenceTests
{
    private static Evidence VotePair(Vote a, Vote b) => new() { DuplicateVote = new DuplicateVoteEvidence { VoteA = a, VoteB = b } };

    [Fact]
    public void TryFrom_DifferentPairsProvingOneOffence_GiveOneKey()
    {
        using var vals = new TestValidators(4);
        var nil = vals.Vote(3, VoteType.Prevote, 7, 2, null);
        var x = vals.Vote(3, VoteType.Prevote, 7, 2, vals.Block(7, 0, salt: 1).Header.Hash());
        var y = vals.Vote(3, VoteType.Prevote, 7, 2, vals.Block(7, 0, salt: 2).Header.Hash());

        Assert.True(EvidenceOffence.TryFrom(VotePair(nil, x), out var first));
        Assert.True(EvidenceOffence.TryFrom(VotePair(x, nil), out var swapped));
        Assert.True(EvidenceOffence.TryFrom(VotePair(x, y), out var otherPair));

        Assert.Equal(first, swapped);
        Assert.Equal(first, otherPair);
        Assert.Equal(new EvidenceOffence(new Hash32(vals.Keys[3].PublicKey), 7, 2, EquivocationStep.Prevote), first);
    }

    [Fact]
    public void TryFrom_OtherStepRoundOrValidator_GivesAnotherKey()
    {
        using var vals = new TestValidators(4);
        var hash = vals.Block(1, 0).Header.Hash();
        EvidenceOffence Of(int validator, VoteType type, uint round)
        {
            Assert.True(EvidenceOffence.TryFrom(VotePair(vals.Vote(validator, type, 1, round, null), vals.Vote(validator, type, 1, round, hash)), out var offence));
            return offence;
        }

        var proposal = new Evidence
        {
            DuplicateProposal = new DuplicateProposalEvidence
            {
                ProposalA = vals.Digest(1, vals.Block(1, 1, salt: 1)),
                ProposalB = vals.Digest(1, vals.Block(1, 1, salt: 2)),
            },
        };
        Assert.True(EvidenceOffence.TryFrom(proposal, out var proposed));

        var keys = new[] { Of(1, VoteType.Prevote, 0), Of(1, VoteType.Precommit, 0), Of(1, VoteType.Prevote, 1), Of(2, VoteType.Prevote, 0), proposed };
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(EquivocationStep.Proposal, proposed.Step);
    }

    [Fact]
    public void TryFrom_MalformedEvidence_NamesNoOffence()
    {
        var cases = new[]
        {
            new Evidence(),
            new Evidence { DuplicateVote = new DuplicateVoteEvidence() },
            VotePair(new Vote { Type = VoteType.Prevote, Validator = ByteString.CopyFrom(new byte[31]) }, new Vote()),
            VotePair(new Vote { Type = VoteType.Unspecified, Validator = ByteString.CopyFrom(new byte[32]) }, new Vote()),
            new Evidence { DuplicateProposal = new DuplicateProposalEvidence { ProposalA = new SignedProposalDigest { Proposer = ByteString.CopyFrom(new byte[5]) } } },
        };

        Assert.All(cases, e => Assert.False(EvidenceOffence.TryFrom(e, out _)));
    }

    [Theory]
    [InlineData(1ul, 1ul, false)]
    [InlineData(1ul, 1001ul, false)]
    [InlineData(1ul, 1002ul, true)]
    [InlineData(500ul, 1500ul, false)]
    [InlineData(499ul, 1500ul, true)]
    [InlineData(2000ul, 1500ul, false)]
    public void IsExpiredAt_AgeBeyondMaxAgeHeights_IsExpired(ulong offenceHeight, ulong blockHeight, bool expired)
    {
        var offence = new EvidenceOffence(Hash32.Zero, offenceHeight, 0, EquivocationStep.Precommit);

        Assert.Equal(expired, offence.IsExpiredAt(blockHeight));
    }
}

using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

public sealed class EvidenceVerifierTests
{
    [Fact]
    public void Check_EvidenceTheMachineReports_Holds()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        machine.Receive(vals.VoteMessage(2, VoteType.Precommit, 1, 0, null));
        var evidence = machine.Receive(vals.VoteMessage(2, VoteType.Precommit, 1, 0, vals.Block(1, 1).Header.Hash())).Single<ReportEvidence>().Evidence;

        Assert.Null(EvidenceVerifier.Check(evidence, vals.Set, TestValidators.ChainId, Ed25519SignatureVerifier.Instance));
    }

    [Fact]
    public void Check_DuplicateProposals_HoldWhenBothSigned()
    {
        using var vals = new TestValidators(4);
        var evidence = new Evidence
        {
            DuplicateProposal = new DuplicateProposalEvidence
            {
                ProposalA = vals.Digest(1, vals.Block(1, 1, salt: 1)),
                ProposalB = vals.Digest(1, vals.Block(1, 1, salt: 2)),
            },
        };

        Assert.Null(EvidenceVerifier.Check(evidence, vals.Set, TestValidators.ChainId, Ed25519SignatureVerifier.Instance));
        evidence.DuplicateProposal.ProposalB.Signature = evidence.DuplicateProposal.ProposalA.Signature;
        Assert.NotNull(EvidenceVerifier.Check(evidence, vals.Set, TestValidators.ChainId, Ed25519SignatureVerifier.Instance));
    }

    [Fact]
    public void Check_ForgedOrInconsistentVotes_Rejected()
    {
        using var vals = new TestValidators(4);
        using var outsiders = new TestValidators(1, keyOffset: 40);
        var hash = vals.Block(1, 1).Header.Hash();
        Evidence Pair(Vote a, Vote b) => new() { DuplicateVote = new DuplicateVoteEvidence { VoteA = a, VoteB = b } };
        var forged = vals.Vote(1, VoteType.Prevote, 1, 0, hash);
        forged.Signature = ByteString.CopyFrom(new byte[64]);

        var cases = new[]
        {
            Pair(vals.Vote(1, VoteType.Prevote, 1, 0, null), vals.Vote(1, VoteType.Prevote, 1, 0, null)),
            Pair(vals.Vote(1, VoteType.Prevote, 1, 0, null), vals.Vote(2, VoteType.Prevote, 1, 0, hash)),
            Pair(vals.Vote(1, VoteType.Prevote, 1, 0, null), vals.Vote(1, VoteType.Prevote, 1, 1, hash)),
            Pair(vals.Vote(1, VoteType.Prevote, 1, 0, null), vals.Vote(1, VoteType.Precommit, 1, 0, hash)),
            Pair(vals.Vote(1, VoteType.Prevote, 1, 0, null), forged),
            Pair(outsiders.Vote(0, VoteType.Prevote, 1, 0, null), outsiders.Vote(0, VoteType.Prevote, 1, 0, hash)),
            new Evidence(),
        };

        Assert.All(cases, e => Assert.NotNull(EvidenceVerifier.Check(e, vals.Set, TestValidators.ChainId, Ed25519SignatureVerifier.Instance)));
    }
}

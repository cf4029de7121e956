using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>What the machine does with bad, foreign, far-away and equivocating messages.</summary>
public sealed class AdmissionTests
{
    [Fact]
    public void Receive_TamperedSignature_DroppedAsBadSignatureAndNotCounted()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var message = vals.VoteMessage(1, VoteType.Prevote, 1, 0, null);
        var signature = message.Vote.Signature.ToByteArray();
        signature[5] ^= 1;
        message.Vote.Signature = ByteString.CopyFrom(signature);

        Assert.Empty(machine.Receive(message));
        Assert.Equal(1, machine.Drops[DropReason.BadSignature]);

        // Had it counted, these two would make a quorum of nil prevotes and schedule the prevote timeout.
        machine.Handle(new TimeoutFired(1, 0, TimeoutKind.Propose));
        Assert.DoesNotContain(machine.Receive(vals.VoteMessage(2, VoteType.Prevote, 1, 0, null)), a => a is ScheduleTimeout { Kind: TimeoutKind.Prevote });
    }

    [Fact]
    public void Receive_VoteFromNonValidator_DroppedAsNotValidator()
    {
        using var vals = new TestValidators(4);
        using var outsiders = new TestValidators(1, keyOffset: 100);
        var machine = vals.Machine(0);
        machine.Start();

        Assert.Empty(machine.Receive(outsiders.VoteMessage(0, VoteType.Prevote, 1, 0, null)));
        Assert.Equal(1, machine.Drops[DropReason.NotValidator]);
    }

    [Fact]
    public void Receive_ProposalFromWrongProposer_DroppedAsWrongProposer()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var notProposer = (ConsensusFlowTests.ProposerOf(vals, 1, 0) + 1) % 4;

        Assert.Empty(machine.Receive(vals.ProposalMessage(notProposer, vals.Block(1, notProposer))));
        Assert.Equal(1, machine.Drops[DropReason.WrongProposer]);
    }

    [Fact]
    public void Receive_MalformedMessages_DroppedAsMalformed()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var shortHash = vals.VoteMessage(1, VoteType.Prevote, 1, 0, null);
        shortHash.Vote.BlockHash = ByteString.CopyFrom(new byte[5]);
        var noType = vals.VoteMessage(1, VoteType.Prevote, 1, 0, null);
        noType.Vote.Type = VoteType.Unspecified;
        var proposer = ConsensusFlowTests.ProposerOf(vals, 1, 0);
        var wrongChain = vals.ProposalMessage(proposer, vals.Block(1, proposer));
        wrongChain.Proposal.Block.Header.ChainId = "other-chain";

        machine.Receive(shortHash);
        machine.Receive(noType);
        machine.Receive(wrongChain);
        machine.Receive(new ConsensusMessage());
        machine.Handle(new MessageBytesReceived(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF }));

        Assert.Equal(5, machine.Drops[DropReason.Malformed]);
        Assert.Equal(0, machine.Drops[DropReason.BadSignature]);
    }

    [Fact]
    public void Receive_OversizedBytes_DroppedUnparsed()
    {
        using var vals = new TestValidators(1);
        var machine = new ConsensusMachine(TestValidators.Options with { MaxMessageBytes = 64 }, 1, vals.Set, null, Ed25519SignatureVerifier.Instance);
        machine.Start();

        Assert.Empty(machine.Handle(new MessageBytesReceived(new byte[65])));
        Assert.Equal(1, machine.Drops[DropReason.TooLarge]);
    }

    [Fact]
    public void Receive_RandomBytes_NeverThrowsAndEveryMessageIsAccounted()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var property = Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>(),
            bytes =>
            {
                var before = machine.Drops.TotalRejected + machine.Drops[DropReason.Duplicate];
                machine.Handle(new MessageBytesReceived(bytes));
                return machine.Drops.TotalRejected + machine.Drops[DropReason.Duplicate] == before + 1;
            });
        property.QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Receive_FarFutureHeightFromFPlusOne_ReportsBehind()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();

        Assert.Empty(machine.Receive(vals.VoteMessage(1, VoteType.Prevote, 9, 0, null)).OfType<Behind>());
        var behind = machine.Receive(vals.VoteMessage(2, VoteType.Prevote, 9, 0, null)).Single<Behind>();

        Assert.Equal(9UL, behind.PeersHeight);
        Assert.Equal(2, machine.Drops[DropReason.FarFutureHeight]);
    }

    [Fact]
    public void Retransmit_AValidatorAheadWhileUndecided_ReportsBehindThen()
    {
        using var vals = new TestValidators(4);
        var follower = new ConsensusMachine(TestValidators.Options, 1, vals.Set, null, Ed25519SignatureVerifier.Instance);
        follower.Start();

        // One validator is not enough to report at once, but is after a whole retransmit period
        // without a decision (after a set change it may be all that is left of the set we know).
        Assert.Empty(follower.Receive(vals.VoteMessage(1, VoteType.Prevote, 2, 0, null)));
        Assert.Empty(follower.Receive(vals.VoteMessage(3, VoteType.Prevote, 6, 0, null)));
        var behind = follower.Handle(new TimeoutFired(1, 0, TimeoutKind.Retransmit)).Single<Behind>();

        Assert.Equal(6UL, behind.PeersHeight);
    }

    [Fact]
    public void Retransmit_NextHeightClaimsWithBadSignatures_NoBehind()
    {
        using var vals = new TestValidators(4);
        var follower = new ConsensusMachine(TestValidators.Options, 1, vals.Set, null, Ed25519SignatureVerifier.Instance);
        follower.Start();
        foreach (var i in new[] { 1, 2, 3 })
        {
            var message = vals.VoteMessage(i, VoteType.Prevote, 2, 0, null);
            message.Vote.Signature = ByteString.CopyFrom(new byte[64]);
            follower.Receive(message);
        }

        Assert.Empty(follower.Handle(new TimeoutFired(1, 0, TimeoutKind.Retransmit)).OfType<Behind>());
    }

    [Fact]
    public void Receive_TwoDifferentPrevotesOfOneValidator_EvidenceKeptAndReported()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var first = vals.VoteMessage(1, VoteType.Prevote, 1, 0, null);
        var second = vals.VoteMessage(1, VoteType.Prevote, 1, 0, vals.Block(1, 1).Header.Hash());

        machine.Receive(first);
        Assert.Empty(machine.Receive(first.Clone()));
        var evidence = machine.Receive(second).Single<ReportEvidence>().Evidence;

        Assert.Equal(first.Vote, evidence.DuplicateVote.VoteA);
        Assert.Equal(second.Vote, evidence.DuplicateVote.VoteB);
        Assert.Single(machine.Evidence);
        Assert.Equal(1, machine.Drops[DropReason.Duplicate]);
        Assert.Equal(1, machine.Drops[DropReason.Equivocation]);
    }

    [Fact]
    public void Receive_TwoDifferentProposalsOfTheProposer_DuplicateProposalEvidence()
    {
        using var vals = new TestValidators(4);
        var proposer = ConsensusFlowTests.ProposerOf(vals, 1, 0);
        var machine = vals.Machine((proposer + 1) % 4);
        machine.Start();

        machine.Receive(vals.ProposalMessage(proposer, vals.Block(1, proposer, salt: 1)));
        var evidence = machine.Receive(vals.ProposalMessage(proposer, vals.Block(1, proposer, salt: 2))).Single<ReportEvidence>().Evidence;

        Assert.Equal(Evidence.KindOneofCase.DuplicateProposal, evidence.KindCase);
        Assert.True(ProposalDigests.IsSigned(evidence.DuplicateProposal.ProposalA, TestValidators.ChainId, Ed25519SignatureVerifier.Instance));
        Assert.True(ProposalDigests.IsSigned(evidence.DuplicateProposal.ProposalB, TestValidators.ChainId, Ed25519SignatureVerifier.Instance));
    }
}

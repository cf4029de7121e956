using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>One machine stepped by hand through the protocol, the other validators played by the test.</summary>
public sealed class ConsensusFlowTests
{
    [Fact]
    public void Start_SingleValidator_RequestsProposalThenCommitsWithVerifiableCertificate()
    {
        using var vals = new TestValidators(1);
        var machine = vals.Machine(0);
        var request = machine.Start().Single<RequestProposal>();
        Assert.Equal((1UL, 0U), (request.Height, request.Round));

        var block = vals.Block(1, 0);
        var actions = machine.Handle(new ProposalReady(1, 0, block));

        var commit = actions.Single<CommitBlock>();
        Assert.Equal(block.Header.Hash(), commit.BlockHash);
        var check = CommitCertificates.Verify(commit.Certificate, vals.Set, TestValidators.ChainId, 1, commit.BlockHash);
        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(RoundStep.Commit, machine.Step);
    }

    [Fact]
    public void Handle_OwnSignedMessages_WalWriteComesBeforeEachSend()
    {
        using var vals = new TestValidators(1);
        var machine = vals.Machine(0);
        machine.Start();
        var actions = machine.Handle(new ProposalReady(1, 0, vals.Block(1, 0)));

        var pendingWal = new List<WalRecord>();
        foreach (var action in actions)
        {
            if (action is WriteWal w)
            {
                pendingWal.Add(w.Record);
            }
            else if (action is Broadcast { Message: var m } && (m.Vote is not null || m.Proposal is not null))
            {
                Assert.Contains(pendingWal, r => (m.Vote is not null && m.Vote.Equals(r.Vote)) || (m.Proposal is not null && m.Proposal.Equals(r.Proposal)));
            }
        }

        Assert.Equal(3, pendingWal.Count(r => r.Vote is not null || r.Proposal is not null));
    }

    [Fact]
    public void Handle_MachineVotes_VerifyWithCoreHelpers()
    {
        using var vals = new TestValidators(4);
        var proposer = ProposerOf(vals, 1, 0);
        var machine = vals.Machine((proposer + 1) % 4);
        machine.Start();
        var block = vals.Block(1, proposer);
        var hash = block.Header.Hash();
        var validate = machine.Receive(vals.ProposalMessage(proposer, block)).Single<ValidateBlock>();
        Assert.Equal(hash, validate.BlockHash);

        var prevote = Assert.Single(machine.Handle(new BlockValidated(1, hash, true)).BroadcastVotes(VoteType.Prevote));
        Assert.True(Votes.VerifySignature(TestValidators.ChainId, prevote));
        Assert.True(hash.Equals(prevote.BlockHash.Span));
    }

    [Fact]
    public void Handle_FourValidatorsQuorum_LocksPrecommitsAndCommits()
    {
        using var vals = new TestValidators(4);
        var proposer = ProposerOf(vals, 1, 0);
        var me = (proposer + 1) % 4;
        var machine = vals.Machine(me);
        machine.Start();
        var block = vals.Block(1, proposer);
        var hash = block.Header.Hash();
        machine.Receive(vals.ProposalMessage(proposer, block));
        machine.Handle(new BlockValidated(1, hash, true));
        var others = Enumerable.Range(0, 4).Where(i => i != me).ToArray();

        machine.Receive(vals.VoteMessage(others[0], VoteType.Prevote, 1, 0, hash));
        var afterQuorum = machine.Receive(vals.VoteMessage(others[1], VoteType.Prevote, 1, 0, hash));

        var precommit = Assert.Single(afterQuorum.BroadcastVotes(VoteType.Precommit));
        Assert.True(hash.Equals(precommit.BlockHash.Span));
        Assert.Contains(afterQuorum, a => a is WriteWal { Record.Lock: not null });
        Assert.Equal(0, machine.LockedRound);
        Assert.Equal(hash, machine.LockedBlock);

        machine.Receive(vals.VoteMessage(others[0], VoteType.Precommit, 1, 0, hash));
        var commit = machine.Receive(vals.VoteMessage(others[1], VoteType.Precommit, 1, 0, hash)).Single<CommitBlock>();
        Assert.True(CommitCertificates.Verify(commit.Certificate, vals.Set, TestValidators.ChainId, 1, hash).IsValid);
        Assert.Equal(3, commit.Certificate.Signatures.Count);
    }

    [Fact]
    public void Handle_InvalidBlock_PrevotesNil()
    {
        using var vals = new TestValidators(4);
        var proposer = ProposerOf(vals, 1, 0);
        var machine = vals.Machine((proposer + 1) % 4);
        machine.Start();
        var block = vals.Block(1, proposer);
        machine.Receive(vals.ProposalMessage(proposer, block));

        var prevote = Assert.Single(machine.Handle(new BlockValidated(1, block.Header.Hash(), false)).BroadcastVotes(VoteType.Prevote));
        Assert.True(prevote.BlockHash.IsEmpty);
    }

    [Fact]
    public void Handle_ProposeTimeout_PrevotesNilAndLaterTimeoutsGrowPerRound()
    {
        using var vals = new TestValidators(4);
        var me = (ProposerOf(vals, 1, 0) + 1) % 4;
        var machine = vals.Machine(me);
        var start = machine.Start();
        var round0 = start.OfType<ScheduleTimeout>().Single(t => t.Kind == TimeoutKind.Propose);

        var prevote = Assert.Single(machine.Handle(new TimeoutFired(1, 0, TimeoutKind.Propose)).BroadcastVotes(VoteType.Prevote));
        Assert.True(prevote.BlockHash.IsEmpty);

        // Everyone else prevotes and precommits nil: the round ends and round 1 starts with longer timeouts.
        foreach (var i in Enumerable.Range(0, 4).Where(i => i != me))
        {
            machine.Receive(vals.VoteMessage(i, VoteType.Prevote, 1, 0, null));
        }

        foreach (var i in Enumerable.Range(0, 4).Where(i => i != me))
        {
            machine.Receive(vals.VoteMessage(i, VoteType.Precommit, 1, 0, null));
        }

        var next = machine.Handle(new TimeoutFired(1, 0, TimeoutKind.Precommit));
        Assert.Equal(1U, machine.Round);
        var round1 = next.OfType<ScheduleTimeout>().Single(t => t.Kind == TimeoutKind.Propose);
        Assert.True(round1.Delay > round0.Delay);
    }

    [Fact]
    public void Handle_StaleTimeout_IsIgnored()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine((ProposerOf(vals, 1, 0) + 1) % 4);
        machine.Start();

        Assert.Empty(machine.Handle(new TimeoutFired(1, 3, TimeoutKind.Propose)));
        Assert.Empty(machine.Handle(new TimeoutFired(2, 0, TimeoutKind.Propose)));
        Assert.Empty(machine.Handle(new TimeoutFired(1, 0, TimeoutKind.Prevote)));
        Assert.Equal(RoundStep.Propose, machine.Step);
    }

    [Fact]
    public void Handle_FPlusOneInLaterRound_SkipsToThatRound()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();

        machine.Receive(vals.VoteMessage(1, VoteType.Prevote, 1, 5, null));
        Assert.Equal(0U, machine.Round);
        machine.Receive(vals.VoteMessage(2, VoteType.Prevote, 1, 5, null));
        Assert.Equal(5U, machine.Round);
    }

    [Fact]
    public void Handle_ProposalWithProofOfLock_AcceptedWhenPrevotesShown()
    {
        using var vals = new TestValidators(4);
        var proposer1 = ProposerOf(vals, 1, 1);
        var me = (proposer1 + 1) % 4;
        var others = Enumerable.Range(0, 4).Where(i => i != me).ToArray();
        var machine = vals.Machine(me);
        machine.Start();
        var block = vals.Block(1, proposer1, salt: 7);
        var hash = block.Header.Hash();

        // Round 0 ends without us seeing its proposal; round 1 re-proposes with a proof of lock from round 0.
        foreach (var i in others)
        {
            machine.Receive(vals.VoteMessage(i, VoteType.Precommit, 1, 0, null));
        }

        machine.Handle(new TimeoutFired(1, 0, TimeoutKind.Precommit));
        Assert.Equal(1U, machine.Round);
        machine.Receive(vals.ProposalMessage(proposer1, block, round: 1, polRound: 0));
        Assert.Empty(machine.Handle(new BlockValidated(1, hash, true)).BroadcastVotes(VoteType.Prevote));
        Assert.Equal(RoundStep.Propose, machine.Step);

        machine.Receive(vals.VoteMessage(others[0], VoteType.Prevote, 1, 0, hash));
        machine.Receive(vals.VoteMessage(others[1], VoteType.Prevote, 1, 0, hash));
        var prevote = Assert.Single(machine.Receive(vals.VoteMessage(others[2], VoteType.Prevote, 1, 0, hash)).BroadcastVotes(VoteType.Prevote));
        Assert.True(hash.Equals(prevote.BlockHash.Span));
    }

    internal static int ProposerOf(TestValidators vals, ulong height, uint round) =>
        ProposerSchedule.For(vals.Set).ProposerIndex(height, round);

    internal static Hash32 HashOf(Block block) => block.Header.Hash();
}

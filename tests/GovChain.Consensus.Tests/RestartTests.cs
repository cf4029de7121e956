using GovChain.Core.Blocks;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>Replaying the WAL into a new machine: nothing signed before is ever contradicted.</summary>
public sealed class RestartTests
{
    [Fact]
    public void Restore_PrevotedBlock_AfterRestartTimeoutResendsSameVoteAndSignsNothingNew()
    {
        using var vals = new TestValidators(4);
        var proposer = ConsensusFlowTests.ProposerOf(vals, 1, 0);
        var me = (proposer + 1) % 4;
        var before = vals.Machine(me);
        before.Start();
        var block = vals.Block(1, proposer);
        before.Receive(vals.ProposalMessage(proposer, block));
        var wal = before.Handle(new BlockValidated(1, block.Header.Hash(), true)).OfType<WriteWal>().Select(w => w.Record).ToList();
        var prevote = Assert.Single(wal).Vote;

        var after = vals.Machine(me);
        Assert.Equal(1, after.Restore(wal));
        after.Start();

        // Without the proposal, a fresh machine would prevote nil here; the restored one repeats its vote.
        var actions = after.Handle(new TimeoutFired(1, 0, TimeoutKind.Propose));
        Assert.Empty(actions.OfType<WriteWal>());
        Assert.Equal(prevote, Assert.Single(actions.BroadcastVotes(VoteType.Prevote)));
    }

    [Fact]
    public void Restore_AfterPrecommit_LockAndRoundRestored()
    {
        using var vals = new TestValidators(4);
        var proposer = ConsensusFlowTests.ProposerOf(vals, 1, 0);
        var me = (proposer + 1) % 4;
        var others = Enumerable.Range(0, 4).Where(i => i != me).ToArray();
        var before = vals.Machine(me);
        var wal = new List<WalRecord>();
        void Keep(IReadOnlyList<ConsensusAction> actions) => wal.AddRange(actions.OfType<WriteWal>().Select(w => w.Record));
        Keep(before.Start());
        var block = vals.Block(1, proposer);
        var hash = block.Header.Hash();
        Keep(before.Receive(vals.ProposalMessage(proposer, block)));
        Keep(before.Handle(new BlockValidated(1, hash, true)));
        Keep(before.Receive(vals.VoteMessage(others[0], VoteType.Prevote, 1, 0, hash)));
        Keep(before.Receive(vals.VoteMessage(others[1], VoteType.Prevote, 1, 0, hash)));
        Assert.Equal(0, before.LockedRound);

        var after = vals.Machine(me);
        after.Restore(wal);

        Assert.Equal(0, after.LockedRound);
        Assert.Equal(hash, after.LockedBlock);
        var start = after.Start();
        Assert.Equal(0U, after.Round);
        Assert.Empty(start.OfType<WriteWal>());
    }

    [Fact]
    public void Restore_LockedThenLaterRoundProposer_ReproposesLockedBlockWithProofOfLock()
    {
        using var vals = new TestValidators(4);
        var proposer0 = ConsensusFlowTests.ProposerOf(vals, 1, 0);
        var me = ConsensusFlowTests.ProposerOf(vals, 1, 1);
        var others = Enumerable.Range(0, 4).Where(i => i != me).ToArray();
        var before = vals.Machine(me);
        var wal = new List<WalRecord>();
        void Keep(IReadOnlyList<ConsensusAction> actions) => wal.AddRange(actions.OfType<WriteWal>().Select(w => w.Record));
        Keep(before.Start());
        var block = vals.Block(1, proposer0);
        var hash = block.Header.Hash();
        Keep(before.Receive(vals.ProposalMessage(proposer0, block)));
        Keep(before.Handle(new BlockValidated(1, hash, true)));
        Keep(before.Receive(vals.VoteMessage(others[0], VoteType.Prevote, 1, 0, hash)));
        Keep(before.Receive(vals.VoteMessage(others[1], VoteType.Prevote, 1, 0, hash)));

        // Restart, then round 0 ends without a decision: as proposer of round 1 it must re-propose its locked block.
        var after = vals.Machine(me);
        after.Restore(wal);
        after.Start();
        foreach (var i in others)
        {
            after.Receive(vals.VoteMessage(i, VoteType.Precommit, 1, 0, null));
        }

        var round1 = after.Handle(new TimeoutFired(1, 0, TimeoutKind.Precommit));
        var proposal = round1.OfType<Broadcast>().Select(b => b.Message.Proposal).Single(p => p is not null);
        Assert.Equal(hash, proposal.Block.Header.Hash());
        Assert.Equal(0, proposal.PolRound);
        Assert.True(round1.BroadcastVotes(VoteType.Prevote).Count(v => v.Round == 0) >= 3);
        Assert.Empty(round1.OfType<RequestProposal>());
    }

    [Fact]
    public void Restore_RecordsOfOtherHeightsOrKeys_AreSkipped()
    {
        using var vals = new TestValidators(4);
        var records = new[]
        {
            new WalRecord { Vote = vals.Vote(0, VoteType.Prevote, 1, 0, null) },
            new WalRecord { Vote = vals.Vote(1, VoteType.Prevote, 2, 0, null) },
            new WalRecord { Vote = vals.Vote(1, VoteType.Prevote, 3, 0, null) },
        };

        var machine = vals.Machine(1, height: 3);
        Assert.Equal(1, machine.Restore(records));
    }
}

using Google.Protobuf;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>The buffer of next-height messages: bounded by count and bytes, members only, a fair share each.</summary>
public sealed class NextHeightBufferTests
{
    [Fact]
    public void NextHeightMessageFromANonValidator_IsNotBuffered()
    {
        using var vals = new TestValidators(4);
        using var outsiders = new TestValidators(1, keyOffset: 100);
        var machine = vals.Machine(0);
        machine.Start();

        machine.Receive(outsiders.VoteMessage(0, VoteType.Prevote, 2, 0, null));

        Assert.Equal(0, machine.BufferedMessages);
        Assert.Equal(1, machine.Drops[DropReason.NotValidator]);
    }

    [Fact]
    public void NextHeightMessageWithABadSignature_IsNotBuffered()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var forged = vals.VoteMessage(1, VoteType.Prevote, 2, 0, null);
        forged.Vote.Signature = ByteString.CopyFrom(new byte[64]);

        machine.Receive(forged);

        Assert.Equal(0, machine.BufferedMessages);
        Assert.Equal(1, machine.Drops[DropReason.BadSignature]);
    }

    [Fact]
    public void OneValidatorFloodingTheNextHeight_CannotCrowdOutTheOthers()
    {
        using var vals = new TestValidators(4);
        var machine = new ConsensusMachine(TestValidators.Options with { MaxBufferedMessages = 40 }, 1, vals.Set, new Ed25519ConsensusSigner(vals.Keys[0]), Ed25519SignatureVerifier.Instance);
        machine.Start();

        for (uint round = 0; round < 40; round++)
        {
            machine.Receive(vals.VoteMessage(1, VoteType.Prevote, 2, round, null));
        }

        foreach (var i in new[] { 2, 3 })
        {
            machine.Receive(vals.VoteMessage(i, VoteType.Prevote, 2, 0, null));
        }

        Assert.Equal(10 + 2, machine.BufferedMessages);
        Assert.Equal(30, machine.Drops[DropReason.BufferFull]);

        // The others' messages were kept and count at height 2: with ours, a nil prevote quorum.
        machine.Handle(new CommitApplied(1, vals.Set));
        var precommit = Assert.Single(machine.Handle(new TimeoutFired(2, 0, TimeoutKind.Propose)).BroadcastVotes(VoteType.Precommit));
        Assert.Equal(2UL, precommit.Height);
    }

    [Fact]
    public void NextHeightBuffer_IsBoundedByBytes()
    {
        using var vals = new TestValidators(4);
        var options = TestValidators.Options with { MaxBufferedBytes = 4 * 1024 };
        var machine = new ConsensusMachine(options, 1, vals.Set, new Ed25519ConsensusSigner(vals.Keys[0]), Ed25519SignatureVerifier.Instance);
        machine.Start();
        var proposer = ConsensusFlowTests.ProposerOf(vals, 2, 0);
        var block = vals.Block(2, proposer);
        block.Transactions.Add(new SignedTransaction { Body = ByteString.CopyFrom(new byte[2000]), Signature = ByteString.CopyFrom(new byte[64]) });

        machine.Receive(vals.ProposalMessage(proposer, TestValidators.WithBody(block)));

        Assert.Equal(0, machine.BufferedMessages);
        Assert.Equal(1, machine.Drops[DropReason.BufferFull]);
        Assert.True(machine.BufferedBytes <= options.MaxBufferedBytes);
    }

    [Fact]
    public void RetransmittedCopiesOfANextHeightMessage_AreBufferedOnce()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var vote = vals.VoteMessage(1, VoteType.Prevote, 2, 0, null);

        machine.Receive(vote);
        machine.Receive(vote.Clone());

        Assert.Equal(1, machine.BufferedMessages);
        Assert.Equal(1, machine.Drops[DropReason.Duplicate]);
    }
}

using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>What one malicious proposer (or a relay altering its unsigned block body) can no longer do to a node.</summary>
public sealed class MaliciousProposerTests
{
    /// <summary>A block whose one transaction carries <paramref name="bytes"/> bytes, body and header consistent.</summary>
    private static Block LargeBlock(TestValidators vals, int proposer, int bytes, long salt)
    {
        var block = vals.Block(1, proposer, salt);
        block.Transactions.Add(new SignedTransaction { Body = ByteString.CopyFrom(new byte[bytes]), Signature = ByteString.CopyFrom(new byte[64]) });
        return TestValidators.WithBody(block);
    }

    private static (TestValidators Vals, int Proposer, ConsensusMachine Machine) Setup(ConsensusOptions? options = null, ISignatureVerifier? verifier = null)
    {
        var vals = new TestValidators(4);
        var proposer = ConsensusFlowTests.ProposerOf(vals, 1, 0);
        var me = (proposer + 1) % 4;
        var machine = new ConsensusMachine(options ?? TestValidators.Options, 1, vals.Set, new Ed25519ConsensusSigner(vals.Keys[me]), verifier ?? Ed25519SignatureVerifier.Instance);
        machine.Start();
        return (vals, proposer, machine);
    }

    [Fact]
    public void DuplicateProposalsOfLargeBlocks_GiveEvidenceOfFixedSmallSize_ThatStillVerifies()
    {
        var (vals, proposer, machine) = Setup();
        using var _ = vals;

        machine.Receive(vals.ProposalMessage(proposer, LargeBlock(vals, proposer, 1_000_000, salt: 1)));
        var evidence = machine.Receive(vals.ProposalMessage(proposer, LargeBlock(vals, proposer, 1_000_000, salt: 2))).Single<ReportEvidence>().Evidence;

        Assert.True(evidence.CalculateSize() < 512, $"evidence of {evidence.CalculateSize()} bytes");
        Assert.Null(EvidenceVerifier.Check(evidence, vals.Set, TestValidators.ChainId, Ed25519SignatureVerifier.Instance));
        Assert.True(EvidenceOffence.TryFrom(evidence, out var offence));
        Assert.Equal(new EvidenceOffence(new Hash32(vals.Keys[proposer].PublicKey), 1, 0, EquivocationStep.Proposal), offence);
    }

    [Fact]
    public void EvidenceCarryingBytesNoSignatureCovers_IsRefused()
    {
        var (vals, proposer, machine) = Setup();
        using var _ = vals;
        machine.Receive(vals.VoteMessage(proposer, VoteType.Prevote, 1, 0, null));
        var second = vals.VoteMessage(proposer, VoteType.Prevote, 1, 0, vals.Block(1, 1).Header.Hash());
        var padded = Evidence.Parser.ParseFrom(machine.Receive(second).Single<ReportEvidence>().Evidence.ToByteArray()
            .Concat(new Evidence { DuplicateProposal = new DuplicateProposalEvidence { ProposalA = new SignedProposalDigest { Signature = ByteString.CopyFrom(new byte[4096]) } } }.ToByteArray()).ToArray());

        Assert.Contains("more than", EvidenceVerifier.Check(padded, vals.Set, TestValidators.ChainId, Ed25519SignatureVerifier.Instance));
    }

    [Fact]
    public void OversizedProposal_IsDroppedBeforeSignatureCheck()
    {
        var verifier = new CountingVerifier();
        var (vals, proposer, machine) = Setup(TestValidators.Options with { MaxBlockBytes = 64 * 1024 }, verifier);
        using var _ = vals;

        var actions = machine.Receive(vals.ProposalMessage(proposer, LargeBlock(vals, proposer, 100_000, salt: 1)));

        Assert.Empty(actions.OfType<ValidateBlock>());
        Assert.Equal(1, machine.Drops[DropReason.TooLarge]);
        Assert.Equal(0, verifier.Calls);
    }

    [Fact]
    public void ProposalWhoseBodyDoesNotMatchItsHeader_IsDroppedUnaccused_AndTheCorrectCopyIsAccepted()
    {
        var (vals, proposer, machine) = Setup();
        using var _ = vals;
        var message = vals.ProposalMessage(proposer, LargeBlock(vals, proposer, 100, salt: 1));
        var altered = message.Clone();
        altered.Proposal.Block.Transactions[0].Body = ByteString.CopyFrom(new byte[101]);

        var first = machine.Receive(altered);
        var second = machine.Receive(message);

        Assert.Empty(first);
        Assert.Equal(1, machine.Drops[DropReason.BodyMismatch]);
        Assert.Empty(machine.Evidence);
        Assert.Equal(message.Proposal.Block, second.Single<ValidateBlock>().Block);
    }

    [Fact]
    public void SameHeaderWithAnotherBodyAfterAnInvalidVerdict_IsValidatedAgain()
    {
        // The tx root covers transaction bodies, not their signatures: a relay can alter one
        // and keep the header matching. The node must not stick to the copy it found invalid.
        var (vals, proposer, machine) = Setup();
        using var _ = vals;
        var message = vals.ProposalMessage(proposer, LargeBlock(vals, proposer, 100, salt: 1));
        var altered = message.Clone();
        altered.Proposal.Block.Transactions[0].Signature = ByteString.CopyFrom(Enumerable.Repeat((byte)7, 64).ToArray());
        var hash = message.Proposal.Block.Header.Hash();

        machine.Receive(altered);
        machine.Handle(new BlockValidated(1, hash, false));
        var again = machine.Receive(message).Single<ValidateBlock>();
        machine.Handle(new BlockValidated(1, hash, true));
        var actions = new List<ConsensusAction>();
        foreach (var v in Enumerable.Range(0, 4).Where(v => v != (proposer + 1) % 4))
        {
            actions.AddRange(machine.Receive(vals.VoteMessage(v, VoteType.Precommit, 1, 0, hash)));
        }

        Assert.Equal(message.Proposal.Block, again.Block);
        Assert.Equal(message.Proposal.Block, actions.Single<CommitBlock>().Block);
    }

    [Fact]
    public void QuorumForABlockFoundInvalid_IsNotCommitted_AndReportsBehind()
    {
        var (vals, proposer, machine) = Setup();
        using var _ = vals;
        var block = vals.Block(1, proposer, salt: 1);
        var hash = block.Header.Hash();
        machine.Receive(vals.ProposalMessage(proposer, block));
        machine.Handle(new BlockValidated(1, hash, false));

        var actions = new List<ConsensusAction>();
        foreach (var v in Enumerable.Range(0, 4).Where(v => v != (proposer + 1) % 4))
        {
            actions.AddRange(machine.Receive(vals.VoteMessage(v, VoteType.Precommit, 1, 0, hash)));
        }

        Assert.Empty(actions.OfType<CommitBlock>());
        Assert.Equal(2ul, actions.Single<Behind>().PeersHeight);
        Assert.NotEqual(RoundStep.Commit, machine.Step);
    }

    [Fact]
    public void QuorumForABlockStillBeingValidated_CommitsOnlyOnceItIsValid()
    {
        var (vals, proposer, machine) = Setup();
        using var _ = vals;
        var block = vals.Block(1, proposer, salt: 1);
        var hash = block.Header.Hash();
        machine.Receive(vals.ProposalMessage(proposer, block));

        var actions = new List<ConsensusAction>();
        foreach (var v in Enumerable.Range(0, 4).Where(v => v != (proposer + 1) % 4))
        {
            actions.AddRange(machine.Receive(vals.VoteMessage(v, VoteType.Precommit, 1, 0, hash)));
        }

        Assert.Empty(actions.OfType<CommitBlock>());
        Assert.Equal(hash, machine.Handle(new BlockValidated(1, hash, true)).Single<CommitBlock>().BlockHash);
    }

    [Fact]
    public void FreshProposalWhoseHeaderNamesAnotherProposer_IsDroppedAsMalformed()
    {
        var (vals, proposer, machine) = Setup();
        using var _ = vals;
        var other = (proposer + 2) % 4;

        var actions = machine.Receive(vals.ProposalMessage(proposer, vals.Block(1, other)));

        Assert.Empty(actions.OfType<ValidateBlock>());
        Assert.Equal(1, machine.Drops[DropReason.Malformed]);
    }

    private sealed class CountingVerifier : ISignatureVerifier
    {
        public int Calls { get; private set; }

        public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        {
            Calls++;
            return Ed25519SignatureVerifier.Instance.Verify(publicKey, message, signature);
        }
    }
}

using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>
/// A network started from another genesis with the same chain id and the same validator keys:
/// its votes and commit certificates are refused, because they signed another genesis hash.
/// </summary>
public sealed class GenesisBindingTests
{
    private static GenesisDocument Genesis(TestValidators vals, long time)
    {
        var g = new Genesis { ChainId = TestValidators.ChainId, GenesisTimeUnixMs = time };
        for (var i = 0; i < vals.Keys.Length; i++)
        {
            g.Departments.Add(new Department { Id = $"dept-{i}", ValidatorKey = ByteString.CopyFrom(vals.Keys[i].PublicKey), VotingPower = 1 });
        }

        return GenesisDocument.FromProto(g);
    }

    private static ConsensusMachine Machine(TestValidators vals, GenesisDocument genesis) =>
        new(TestValidators.Options with { SigningId = genesis.SigningChainId }, 1, genesis.Validators, new Ed25519ConsensusSigner(vals.Keys[0]), Ed25519SignatureVerifier.Instance);

    [Fact]
    public void Receive_VoteSignedForAnotherGenesisWithTheSameChainId_DroppedAsBadSignature()
    {
        using var vals = new TestValidators(4);
        var ours = Genesis(vals, 1_700_000_000_000);
        var theirs = Genesis(vals, 1_700_000_000_001);
        var machine = Machine(vals, ours);
        machine.Start();

        var foreign = new ConsensusMessage { Vote = Votes.Sign(theirs.SigningChainId, VoteType.Prevote, 1, 0, null, vals.Keys[1]) };
        Assert.Empty(machine.Receive(foreign));
        Assert.Equal(1, machine.Drops[DropReason.BadSignature]);

        // The same vote signed for our genesis is counted (nothing dropped).
        machine.Receive(new ConsensusMessage { Vote = Votes.Sign(ours.SigningChainId, VoteType.Prevote, 1, 0, null, vals.Keys[1]) });
        Assert.Equal(1, machine.Drops.TotalRejected);
    }

    [Fact]
    public void Receive_CommitCertificateSignedForAnotherGenesis_DroppedAndNotDecided()
    {
        using var vals = new TestValidators(4);
        var ours = Genesis(vals, 1_700_000_000_000);
        var theirs = Genesis(vals, 1_700_000_000_001);
        var hash = Hashes.Plain("block-1"u8);
        CommitCertificate Certify(GenesisDocument g) =>
            CommitCertificates.FromPrecommits(1, 0, hash, vals.Keys.Skip(1).Select(k => Votes.Sign(g.SigningChainId, VoteType.Precommit, 1, 0, hash, k)));

        var machine = Machine(vals, ours);
        machine.Start();
        machine.Receive(new ConsensusMessage { Commit = Certify(theirs) });
        Assert.Equal(1, machine.Drops[DropReason.BadSignature]);

        Assert.False(CertificateVerifier.Verify(Certify(theirs), ours.Validators, ours.SigningChainId, 1, hash, Ed25519SignatureVerifier.Instance).IsValid);
        Assert.True(CertificateVerifier.Verify(Certify(ours), ours.Validators, ours.SigningChainId, 1, hash, Ed25519SignatureVerifier.Instance).IsValid);
    }
}

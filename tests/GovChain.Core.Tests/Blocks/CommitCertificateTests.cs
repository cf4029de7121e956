using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.Tests.Blocks;

public class CommitCertificateTests
{
    private static readonly Hash32 BlockHash = Hashes.Tagged(HashDomain.BlockHeader, [42]);

    private static CommitCertificate Certify(IEnumerable<GovChain.Core.Crypto.KeyPair> signers, ulong height = 5, uint round = 1)
    {
        var votes = signers.Select(k => Votes.Sign(TestKeys.ChainId, VoteType.Precommit, height, round, BlockHash, k)).ToList();
        return CommitCertificates.FromPrecommits(height, round, BlockHash, votes);
    }

    [Fact]
    public void Verify_ThreeOfFourEqualValidators_IsValid()
    {
        var (keys, set) = TestKeys.Validators(1, 1, 1, 1);

        var check = CommitCertificates.Verify(Certify(keys[..3]), set, TestKeys.ChainId, 5, BlockHash);

        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(3UL, check.SignedPower);
    }

    [Fact]
    public void Verify_TwoOfFour_IsRejectedAsShortOfTwoThirds()
    {
        var (keys, set) = TestKeys.Validators(1, 1, 1, 1);

        var check = CommitCertificates.Verify(Certify(keys[..2]), set, TestKeys.ChainId, 5, BlockHash);

        Assert.False(check.IsValid);
        Assert.Contains("more than 2/3", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CountsVotingPowerNotHeads()
    {
        // One heavy validator (power 7 of 10) alone is more than 2/3; the three light ones are not.
        var (keys, set) = TestKeys.Validators(7, 1, 1, 1);

        Assert.True(CommitCertificates.Verify(Certify(keys[..1]), set, TestKeys.ChainId, 5, BlockHash).IsValid);
        Assert.False(CommitCertificates.Verify(Certify(keys[1..]), set, TestKeys.ChainId, 5, BlockHash).IsValid);
    }

    [Fact]
    public void Verify_ExactlyTwoThirds_IsNotEnough()
    {
        var (keys, set) = TestKeys.Validators(1, 1, 1);

        Assert.False(CommitCertificates.Verify(Certify(keys[..2]), set, TestKeys.ChainId, 5, BlockHash).IsValid);
        Assert.True(CommitCertificates.Verify(Certify(keys), set, TestKeys.ChainId, 5, BlockHash).IsValid);
    }

    [Fact]
    public void Verify_SameValidatorTwice_IsRejected()
    {
        var (keys, set) = TestKeys.Validators(1, 1, 1, 1);
        var cert = Certify(keys[..2]);
        cert.Signatures.Add(cert.Signatures[0]);

        var check = CommitCertificates.Verify(cert, set, TestKeys.ChainId, 5, BlockHash);

        Assert.False(check.IsValid);
        Assert.Contains("twice", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignerOutsideTheSet_IsRejected()
    {
        var (keys, set) = TestKeys.Validators(1, 1, 1, 1);
        using var outsider = TestKeys.Key(99);

        var check = CommitCertificates.Verify(Certify([keys[0], keys[1], outsider]), set, TestKeys.ChainId, 5, BlockHash);

        Assert.False(check.IsValid);
        Assert.Contains("not a validator", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_WrongHeightRoundHashOrChain_IsRejected()
    {
        var (keys, set) = TestKeys.Validators(1, 1, 1, 1);
        var cert = Certify(keys);
        var otherHash = Hashes.Tagged(HashDomain.BlockHeader, [43]);

        Assert.False(CommitCertificates.Verify(cert, set, TestKeys.ChainId, 6, BlockHash).IsValid);
        Assert.False(CommitCertificates.Verify(cert, set, TestKeys.ChainId, 5, otherHash).IsValid);
        Assert.False(CommitCertificates.Verify(cert, set, "other-chain", 5, BlockHash).IsValid);

        cert.Round = 2;
        Assert.False(CommitCertificates.Verify(cert, set, TestKeys.ChainId, 5, BlockHash).IsValid);
    }

    [Fact]
    public void Verify_PrevotesCannotStandInForPrecommits()
    {
        var (keys, set) = TestKeys.Validators(1, 1, 1, 1);
        var prevotes = keys.Select(k => Votes.Sign(TestKeys.ChainId, VoteType.Prevote, 5, 1, BlockHash, k));

        var cert = CommitCertificates.FromPrecommits(5, 1, BlockHash, prevotes);

        Assert.False(CommitCertificates.Verify(cert, set, TestKeys.ChainId, 5, BlockHash).IsValid);
    }

    [Fact]
    public void Verify_CorruptedSignature_IsRejected()
    {
        var (keys, set) = TestKeys.Validators(1, 1, 1, 1);
        var cert = Certify(keys);
        var sig = cert.Signatures[2].Signature.ToByteArray();
        sig[10] ^= 0x20;
        cert.Signatures[2].Signature = ByteString.CopyFrom(sig);

        var check = CommitCertificates.Verify(cert, set, TestKeys.ChainId, 5, BlockHash);

        Assert.False(check.IsValid);
        Assert.Contains("does not verify", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPrecommits_IsCanonical_WhateverTheOrderOfVotes()
    {
        var (keys, _) = TestKeys.Validators(1, 1, 1, 1);
        var votes = keys.Select(k => Votes.Sign(TestKeys.ChainId, VoteType.Precommit, 5, 0, BlockHash, k)).ToList();

        var a = CommitCertificates.FromPrecommits(5, 0, BlockHash, votes);
        votes.Reverse();
        var b = CommitCertificates.FromPrecommits(5, 0, BlockHash, votes);

        Assert.Equal(a.Hash(), b.Hash());
    }
}

using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

public sealed class CertificateVerifierTests
{
    [Fact]
    public void Verify_WithEd25519_AgreesWithCoreOnValidAndTamperedCertificates()
    {
        using var vals = new TestValidators(4);
        var hash = vals.Block(3, 0).Header.Hash();
        var good = CommitCertificates.FromPrecommits(3, 1, hash, new[] { 0, 1, 3 }.Select(i => vals.Vote(i, VoteType.Precommit, 3, 1, hash)));
        var tooFew = CommitCertificates.FromPrecommits(3, 1, hash, new[] { 0, 1 }.Select(i => vals.Vote(i, VoteType.Precommit, 3, 1, hash)));
        var forged = good.Clone();
        var sig = forged.Signatures[1].Signature.ToByteArray();
        sig[0] ^= 0x40;
        forged.Signatures[1].Signature = ByteString.CopyFrom(sig);
        var doubled = good.Clone();
        doubled.Signatures[2] = doubled.Signatures[0].Clone();

        foreach (var (certificate, expected) in new[] { (good, true), (tooFew, false), (forged, false), (doubled, false) })
        {
            var ours = CertificateVerifier.Verify(certificate, vals.Set, TestValidators.ChainId, 3, hash, Ed25519SignatureVerifier.Instance);
            var core = CommitCertificates.Verify(certificate, vals.Set, TestValidators.ChainId, 3, hash);
            Assert.Equal(expected, ours.IsValid);
            Assert.Equal(core.IsValid, ours.IsValid);
        }

        Assert.False(CertificateVerifier.Verify(good, vals.Set, TestValidators.ChainId, 4, hash, Ed25519SignatureVerifier.Instance).IsValid);
    }
}

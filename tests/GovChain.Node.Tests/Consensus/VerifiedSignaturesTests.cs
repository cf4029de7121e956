using GovChain.Core.Crypto;
using GovChain.Node.Consensus;

namespace GovChain.Node.Tests.Consensus;

public sealed class VerifiedSignaturesTests
{
    [Fact]
    public void Verify_ASignatureCheckedOnce_IsAnsweredFromTheCacheAfterwards()
    {
        using var key = KeyPair.Generate();
        var message = "prevote 7/0"u8.ToArray();
        var signature = new byte[64];
        key.Sign(message, signature);
        var verified = new VerifiedSignatures(16);

        Assert.True(verified.Verify(key.PublicKey, message, signature));
        Assert.True(verified.Verify(key.PublicKey, message, signature));

        Assert.Equal(1, verified.Checks);
        Assert.Equal(1, verified.Hits);
    }

    [Fact]
    public void Verify_AnAlteredMessageOrSignature_IsCheckedAndRefused()
    {
        using var key = KeyPair.Generate();
        var message = "prevote 7/0"u8.ToArray();
        var signature = new byte[64];
        key.Sign(message, signature);
        var verified = new VerifiedSignatures(16);
        Assert.True(verified.Verify(key.PublicKey, message, signature));

        var other = "prevote 7/1"u8.ToArray();
        var forged = (byte[])signature.Clone();
        forged[5] ^= 0x10;
        Assert.False(verified.Verify(key.PublicKey, other, signature));
        Assert.False(verified.Verify(key.PublicKey, message, forged));
        Assert.Equal(0, verified.Hits);
    }

    [Fact]
    public void Verify_BeyondCapacity_ForgetsTheOldestOnly()
    {
        using var key = KeyPair.Generate();
        var verified = new VerifiedSignatures(2);
        var signed = Enumerable.Range(0, 3).Select(i =>
        {
            var message = new[] { (byte)i };
            var signature = new byte[64];
            key.Sign(message, signature);
            return (message, signature);
        }).ToArray();
        foreach (var (message, signature) in signed)
        {
            Assert.True(verified.Verify(key.PublicKey, message, signature));
        }

        Assert.True(verified.Verify(key.PublicKey, signed[2].message, signed[2].signature));
        Assert.Equal(1, verified.Hits);
        Assert.True(verified.Verify(key.PublicKey, signed[0].message, signed[0].signature));
        Assert.Equal(1, verified.Hits);
    }
}

using GovChain.Core.Crypto;
using NSec.Cryptography;
using Ed25519 = GovChain.Core.Crypto.Ed25519;

namespace GovChain.Core.Tests.Crypto;

public class PublicKeyCacheTests
{
    [Fact]
    public void Add_PastCapacity_NeverHoldsMoreThanCapacity_AndFindsTheNewestKey()
    {
        var cache = new PublicKeyCache(capacity: 8);
        byte[] last = [];
        for (var i = 0; i < 50; i++)
        {
            last = new byte[32];
            last[0] = (byte)i;
            last[31] = 0xAA;
            cache.Add(last, NSec.Cryptography.PublicKey.Import(SignatureAlgorithm.Ed25519, last, KeyBlobFormat.RawPublicKey));
            Assert.InRange(cache.Count, 1, 8);
        }

        Assert.True(cache.TryGet(last, out var found));
        Assert.Equal(last, found.Export(KeyBlobFormat.RawPublicKey));
        var absent = (byte[])last.Clone();
        absent[31] ^= 1;
        Assert.False(cache.TryGet(absent, out _));
    }

    [Fact]
    public void Verify_InvalidSignatureFromAnUnknownKey_IsNotCached()
    {
        using var key = KeyPair.Generate();
        var bad = key.Sign("m"u8);
        bad[5] ^= 1;

        Assert.False(Ed25519.Verify(key.PublicKey, "m"u8, bad));
        Assert.False(PublicKeyCache.Shared.TryGet(key.PublicKey, out _));
    }

    [Fact]
    public void Verify_KnownKey_StillJudgesEachSignature()
    {
        using var key = KeyPair.Generate();
        var good = key.Sign("m"u8);
        Assert.True(Ed25519.Verify(key.PublicKey, "m"u8, good));
        Assert.True(PublicKeyCache.Shared.TryGet(key.PublicKey, out _));

        var bad = (byte[])good.Clone();
        bad[63] ^= 0x10;
        Assert.False(Ed25519.Verify(key.PublicKey, "m"u8, bad));
        Assert.False(Ed25519.Verify(key.PublicKey, "n"u8, good));
        Assert.True(Ed25519.Verify(key.PublicKey, "m"u8, good));
    }
}

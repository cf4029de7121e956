using GovChain.Core.Hashing;

namespace GovChain.Core.Tests.Hashing;

public class Hash32Tests
{
    [Fact]
    public void CompareTo_MatchesLexicographicByteOrder()
    {
        var rng = new Random(1234);
        for (var i = 0; i < 500; i++)
        {
            var a = new byte[32];
            var b = new byte[32];
            rng.NextBytes(a);
            rng.NextBytes(b);
            b[..(i % 32)].AsSpan().CopyTo(a);

            Assert.Equal(Math.Sign(a.AsSpan().SequenceCompareTo(b)), Math.Sign(new Hash32(a).CompareTo(new Hash32(b))));
        }
    }

    [Fact]
    public void HexRoundTrip_AndEquality_AreByContent()
    {
        var h = Hashes.Tagged(HashDomain.TransactionId, [1]);

        Assert.Equal(h, Hash32.FromHex(h.ToString()));
        Assert.Equal(h, new Hash32(h.ToArray()));
        Assert.True(h.Equals(h.ToArray()));
        Assert.False(h.Equals(new byte[31]));
        Assert.Equal(8, h.ToShortString().Length);
    }

    [Fact]
    public void Constructor_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Hash32(new byte[31]));
        Assert.False(Hash32.TryFrom(new byte[33], out _));
    }

    [Fact]
    public void Tagged_LargeInput_MatchesIncrementalComputation()
    {
        var data = new byte[10_000];
        new Random(5).NextBytes(data);
        var expected = System.Security.Cryptography.SHA256.HashData([(byte)HashDomain.Receipt, .. data]);

        Assert.Equal(Hex.Encode(expected), Hashes.Tagged(HashDomain.Receipt, data).ToString());
    }
}

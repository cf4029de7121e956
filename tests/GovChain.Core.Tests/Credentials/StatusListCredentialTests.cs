using GovChain.Core.Credentials;

namespace GovChain.Core.Tests.Credentials;

public sealed class StatusListCredentialTests
{
    [Fact]
    public void EncodeList_ThenDecode_KeepsEveryBitInSpecificationOrder()
    {
        var bits = new byte[CredentialStatusLayout.ListBits / 8];
        var page = new byte[CredentialStatusLayout.PageBytes];
        CredentialStatusLayout.SetBit(page, 1);
        CredentialStatusLayout.SetBit(page, 1_023);
        page.CopyTo(bits, 0);

        var decoded = StatusListCredential.TryDecodeList(StatusListCredential.EncodeList(bits))!;

        Assert.Equal(16_384, decoded.Length);
        Assert.Equal(0x40, decoded[0]); // index 1 is the second bit from the left
        Assert.True(CredentialStatusLayout.IsSet(decoded, 1023));
        Assert.False(CredentialStatusLayout.IsSet(decoded, 0));
        Assert.StartsWith("uH4sI", StatusListCredential.EncodeList(bits), StringComparison.Ordinal); // multibase base64url of a GZIP header
    }

    [Fact]
    public void TryDecodeList_ZipThatInflatesBeyondTheBound_IsNull()
    {
        var big = StatusListCredential.EncodeList(new byte[1 << 20]);

        Assert.Null(StatusListCredential.TryDecodeList(big));
        Assert.Null(StatusListCredential.TryDecodeList("u!!"));
        Assert.Null(StatusListCredential.TryDecodeList("zabc"));
    }

    [Fact]
    public void Layout_IndexesOfOneListAndTheNext()
    {
        Assert.Equal(0UL, CredentialStatusLayout.ListOf(131_071));
        Assert.Equal(1UL, CredentialStatusLayout.ListOf(131_072));
        Assert.Equal(0, CredentialStatusLayout.BitInList(131_072));
        Assert.Equal(128UL, CredentialStatusLayout.PageOf(131_072));
    }
}

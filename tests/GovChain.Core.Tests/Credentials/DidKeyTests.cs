using GovChain.Core.Credentials;
using GovChain.Core.Hashing;

namespace GovChain.Core.Tests.Credentials;

public sealed class DidKeyTests
{
    // RFC 8032 test 1's public key; the DID was computed with the npm base58-universal package.
    private const string PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Did = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw";

    [Fact]
    public void Of_Rfc8032Key_IsTheDidAnotherImplementationComputes()
    {
        Assert.Equal(Did, DidKey.Of(Hex.Decode(PublicKey)));
        Assert.Equal($"{Did}#z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw", DidKey.VerificationMethod(Hex.Decode(PublicKey)));
    }

    [Fact]
    public void TryParse_DidOrMethod_GivesTheKeyBack()
    {
        Assert.Equal(PublicKey, Hex.Encode(DidKey.TryParse(Did)!));
        Assert.Equal(PublicKey, Hex.Encode(DidKey.TryParse(DidKey.VerificationMethod(Hex.Decode(PublicKey)))!));
    }

    [Theory]
    [InlineData("did:web:example.org")]
    [InlineData("did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMs")] // a character short
    [InlineData("did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169")] // a P-256 key
    [InlineData("did:key:z0OIl")] // outside the alphabet
    [InlineData("did:key:")]
    public void TryParse_NotAnEd25519DidKey_IsNull(string value)
    {
        Assert.Null(DidKey.TryParse(value));
    }

    [Fact]
    public void Base58Btc_LeadingZeros_RoundTrip()
    {
        var bytes = Hex.Decode("0000ff01");

        Assert.Equal("11LQY", Base58Btc.Encode(bytes));
        Assert.Equal(bytes, Base58Btc.TryDecode("11LQY"));
    }
}

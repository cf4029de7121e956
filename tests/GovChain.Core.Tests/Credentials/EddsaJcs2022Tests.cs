using System.Text.Json.Nodes;
using GovChain.Core.Credentials;
using GovChain.Protocol.Identity;
using Google.Protobuf;

namespace GovChain.Core.Tests.Credentials;

public sealed class EddsaJcs2022Tests
{
    private static CredentialRecord Diploma(ulong statusIndex) => new()
    {
        Id = "DIPLOMA-2026-0415",
        Kind = "diploma",
        Subject = ByteString.CopyFrom(TestKeys.Key(1).PublicKey),
        Issuer = ByteString.CopyFrom(TestKeys.Key(2).PublicKey),
        IssuerDepartment = "education",
        ClaimsHash = ByteString.CopyFrom(new byte[32]),
        IssuedHeight = 40,
        ValidFromHeight = 40,
        StatusIndex = statusIndex,
    };

    [Fact]
    public void Sign_ThenVerify_Holds()
    {
        using var issuer = TestKeys.Key(2);
        var vc = EddsaJcs2022.Sign(VerifiableCredentials.Build(Diploma(131_073), TestKeys.ChainId, "https://127.0.0.1:7420/"), issuer, "2026-12-04T00:00:00Z");

        Assert.Null(EddsaJcs2022.Verify(vc));
        Assert.Equal(DidKey.Of(issuer.PublicKey), (string?)vc["issuer"]);
        Assert.Equal("https://127.0.0.1:7420/credentials/status/1", (string?)vc["credentialStatus"]!["statusListCredential"]);
        Assert.Equal("1", (string?)vc["credentialStatus"]!["statusListIndex"]);
    }

    [Fact]
    public void Verify_ChangedClaimOrProofOption_IsRefused()
    {
        using var issuer = TestKeys.Key(2);
        var vc = EddsaJcs2022.Sign(VerifiableCredentials.Build(Diploma(1), TestKeys.ChainId, "https://node"), issuer);

        var claim = (JsonObject)vc.DeepClone();
        claim["credentialSubject"]!["credentialKind"] = "licence";
        var purpose = (JsonObject)vc.DeepClone();
        purpose["proof"]!["proofPurpose"] = "authentication";
        var otherKey = (JsonObject)vc.DeepClone();
        otherKey["proof"]!["verificationMethod"] = DidKey.VerificationMethod(TestKeys.Key(3).PublicKey);

        Assert.Equal("the signature does not match the document", EddsaJcs2022.Verify(claim));
        Assert.Equal("the signature does not match the document", EddsaJcs2022.Verify(purpose));
        Assert.Equal("the signature does not match the document", EddsaJcs2022.Verify(otherKey));
    }

    [Fact]
    public void Build_RecordFromBeforeStatusLists_HasNoStatusEntry()
    {
        var vc = VerifiableCredentials.Build(Diploma(0), TestKeys.ChainId, "https://node");

        Assert.Null(vc["credentialStatus"]);
    }
}

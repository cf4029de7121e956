using System.Security.Cryptography;
using System.Text;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Tests.Support;
using GovChain.Core.Crypto;
using GovChain.Protocol.Identity;

namespace GovChain.Contracts.Tests;

public sealed class IdentityContractTests : IDisposable
{
    private static readonly byte[] PersonalDataHash = SHA256.HashData(Encoding.UTF8.GetBytes("Jane Doe|1990-01-01|passport X123"));
    private static readonly byte[] DiplomaClaims = SHA256.HashData(Encoding.UTF8.GetBytes("MSc Civil Engineering, distinction"));
    private readonly TestChain _chain = new(departments: 2, customize: (g, c) =>
        g.Roles.Add(TestChain.Grant(Roles.IdentityIssuer, c.Key(70), TestChain.DepartmentId(1))));

    private readonly KeyPair _jane;

    public IdentityContractTests()
    {
        _jane = _chain.Key(20);
        _chain.Ok(_jane, IdentityCalls.Register(PersonalDataHash));
    }

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Credential_IssueVerifyRevoke_ValidityFollowsHeights()
    {
        var issued = _chain.Ok(_chain.Issuer, IdentityCalls.IssueCredential("DIP-2026-001", "diploma", _jane.PublicKey, DiplomaClaims));
        var issuedAt = issued.Height;
        var record = CredentialRecord.Parser.ParseFrom(issued.Result);
        Assert.Equal("dept-0", record.IssuerDepartment);

        var valid = _chain.Query(IdentityCalls.VerifyCredential("DIP-2026-001", _chain.Height, DiplomaClaims), CredentialVerification.Parser);
        Assert.True(valid.Valid, valid.Reason);
        var wrongClaims = _chain.Query(IdentityCalls.VerifyCredential("DIP-2026-001", _chain.Height, PersonalDataHash), CredentialVerification.Parser);
        Assert.False(wrongClaims.Valid);
        Assert.Equal("claims differ", wrongClaims.Reason);
        var before = _chain.Query(IdentityCalls.VerifyCredential("DIP-2026-001", issuedAt - 1), CredentialVerification.Parser);
        Assert.Equal("not yet valid", before.Reason);

        var revoked = _chain.Ok(_chain.Issuer, IdentityCalls.RevokeCredential("DIP-2026-001", "issued in error"));

        var after = _chain.Query(IdentityCalls.VerifyCredential("DIP-2026-001", revoked.Height), CredentialVerification.Parser);
        Assert.False(after.Valid);
        Assert.Equal("revoked", after.Reason);
        var historical = _chain.Query(IdentityCalls.VerifyCredential("DIP-2026-001", revoked.Height - 1), CredentialVerification.Parser);
        Assert.True(historical.Valid);
        Assert.Equal(["DIP-2026-001"], _chain.Query(IdentityCalls.ListCredentials(_jane.PublicKey), CredentialIndex.Parser).CredentialIds);

        _chain.AssertReplayIsIdentical();
    }

    [Fact]
    public void Credentials_InIssueOrder_GetDistinctStatusIndexesAndRevocationSetsOnlyTheirBit()
    {
        var first = CredentialRecord.Parser.ParseFrom(_chain.Ok(_chain.Issuer, IdentityCalls.IssueCredential("DIP-S-1", "diploma", _jane.PublicKey, DiplomaClaims)).Result);
        var second = CredentialRecord.Parser.ParseFrom(_chain.Ok(_chain.Issuer, IdentityCalls.IssueCredential("DIP-S-2", "diploma", _jane.PublicKey, DiplomaClaims)).Result);
        Assert.Equal(1UL, first.StatusIndex);
        Assert.Equal(2UL, second.StatusIndex);
        Assert.Null(_chain.State.Get(RecordKeys.CredentialStatusPage(0)));

        _chain.Ok(_chain.Issuer, IdentityCalls.RevokeCredential("DIP-S-2", "issued in error"));

        var page = _chain.State.Get(RecordKeys.CredentialStatusPage(0))!;
        Assert.Equal(GovChain.Core.Credentials.CredentialStatusLayout.PageBytes, page.Length);
        Assert.Equal(0x20, page[0]); // index 2: third bit from the left; index 1 untouched
        Assert.All(page[1..], b => Assert.Equal(0, b));
        Assert.Equal(2UL, _chain.Query(IdentityCalls.GetCredential("DIP-S-2"), CredentialRecord.Parser).StatusIndex);
        _chain.AssertReplayIsIdentical();
    }

    [Fact]
    public void Credential_WithExpiry_IsExpiredFromItsEndHeight()
    {
        var start = _chain.Height + 1;
        _chain.Ok(_chain.Issuer, IdentityCalls.IssueCredential("LIC-9", "licence.driving", _jane.PublicKey, DiplomaClaims, 0, start + 10));

        Assert.True(_chain.Query(IdentityCalls.VerifyCredential("LIC-9", start + 9), CredentialVerification.Parser).Valid);
        Assert.Equal("expired", _chain.Query(IdentityCalls.VerifyCredential("LIC-9", start + 10), CredentialVerification.Parser).Reason);
    }

    [Fact]
    public void Identity_StoresOnlyTheHashOfPersonalData()
    {
        var identity = _chain.Query(IdentityCalls.GetIdentity(_jane.PublicKey), IdentityRecord.Parser);

        Assert.Equal(PersonalDataHash, identity.DataHash.ToByteArray());
        var plain = Encoding.UTF8.GetBytes("Jane Doe");
        Assert.DoesNotContain(_chain.State.Entries, e => e.Value.AsSpan().IndexOf(plain) >= 0);
        _chain.Fails(ResultCode.InvalidArgument, _chain.Key(21), IdentityCalls.Register(Encoding.UTF8.GetBytes("Jane Doe, born 1990")));
    }

    [Fact]
    public void Register_Twice_IsAlreadyExists_UpdateChangesHash()
    {
        _chain.Fails(ResultCode.AlreadyExists, _jane, IdentityCalls.Register(PersonalDataHash));
        _chain.Ok(_jane, IdentityCalls.Update(DiplomaClaims));

        Assert.Equal(DiplomaClaims, _chain.Query(IdentityCalls.GetIdentity(_jane.PublicKey), IdentityRecord.Parser).DataHash.ToByteArray());
    }

    [Fact]
    public void IssueCredential_WithoutIssuerRole_IsUnauthorized()
    {
        _chain.Fails(ResultCode.Unauthorized, _jane, IdentityCalls.IssueCredential("FAKE-1", "diploma", _jane.PublicKey, DiplomaClaims));
        _chain.Fails(ResultCode.Unauthorized, _chain.Registrar, IdentityCalls.IssueCredential("FAKE-1", "diploma", _jane.PublicKey, DiplomaClaims));
    }

    [Fact]
    public void IssueCredential_ToUnregisteredSubject_IsNotFound()
    {
        _chain.Fails(ResultCode.NotFound, _chain.Issuer, IdentityCalls.IssueCredential("DIP-2", "diploma", _chain.Key(22).PublicKey, DiplomaClaims));
    }

    [Fact]
    public void RevokeCredential_ByIssuerOfAnotherDepartment_IsUnauthorized()
    {
        _chain.Ok(_chain.Issuer, IdentityCalls.IssueCredential("DIP-3", "diploma", _jane.PublicKey, DiplomaClaims));

        _chain.Fails(ResultCode.Unauthorized, _chain.Key(70), IdentityCalls.RevokeCredential("DIP-3", "not ours"));
        _chain.Fails(ResultCode.Unauthorized, _jane, IdentityCalls.RevokeCredential("DIP-3", "mine"));
    }

    [Fact]
    public void RevokeCredential_Twice_IsInvalidState()
    {
        _chain.Ok(_chain.Issuer, IdentityCalls.IssueCredential("DIP-4", "diploma", _jane.PublicKey, DiplomaClaims));
        _chain.Ok(_chain.Issuer, IdentityCalls.RevokeCredential("DIP-4", "fraud"));

        _chain.Fails(ResultCode.InvalidState, _chain.Issuer, IdentityCalls.RevokeCredential("DIP-4", "again"));
    }

    [Fact]
    public void VerifyCredential_WithoutHeight_IsInvalidArgument()
    {
        Assert.Equal(ResultCode.InvalidArgument, _chain.RawQuery(IdentityCalls.VerifyCredential("DIP-1", 0)).Code);
    }
}

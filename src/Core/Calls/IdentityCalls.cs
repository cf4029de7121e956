using Google.Protobuf;
using GovChain.Protocol.Identity;

namespace GovChain;

/// <summary>Builders for the <c>identity</c> contract's calls and queries.</summary>
public static class IdentityCalls
{
    /// <summary>The signer registers its own key with the hash of its off-chain personal data.</summary>
    public static ContractCall Register(ReadOnlySpan<byte> dataHash) =>
        new(ContractNames.Identity, IdentityMethods.Register, new RegisterIdentityArgs { DataHash = ByteString.CopyFrom(dataHash) });

    public static ContractCall Update(ReadOnlySpan<byte> dataHash) =>
        new(ContractNames.Identity, IdentityMethods.Update, new UpdateIdentityArgs { DataHash = ByteString.CopyFrom(dataHash) });

    /// <summary>Signed by an identity issuer (a university registrar, a licensing office); result: the CredentialRecord as stored.</summary>
    public static ContractCall IssueCredential(
        string credentialId, string kind, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> claimsHash, ulong validFromHeight = 0, ulong validUntilHeight = 0) =>
        new(ContractNames.Identity, IdentityMethods.IssueCredential, new IssueCredentialArgs
        {
            CredentialId = credentialId,
            Kind = kind,
            Subject = ByteString.CopyFrom(subject),
            ClaimsHash = ByteString.CopyFrom(claimsHash),
            ValidFromHeight = validFromHeight,
            ValidUntilHeight = validUntilHeight,
        });

    public static ContractCall RevokeCredential(string credentialId, string reason) =>
        new(ContractNames.Identity, IdentityMethods.RevokeCredential, new RevokeCredentialArgs { CredentialId = credentialId, Reason = reason });

    public static ContractQuery<IdentityRecord> GetIdentity(ReadOnlySpan<byte> publicKey) =>
        new(ContractNames.Identity, IdentityMethods.GetIdentity, new GetIdentityArgs { PublicKey = ByteString.CopyFrom(publicKey) }, IdentityRecord.Parser);

    public static ContractQuery<CredentialRecord> GetCredential(string credentialId) =>
        new(ContractNames.Identity, IdentityMethods.GetCredential, new GetCredentialArgs { CredentialId = credentialId }, CredentialRecord.Parser);

    /// <summary>Judged at <paramref name="atHeight"/>; the claims hash, when given, must match too.</summary>
    public static ContractQuery<CredentialVerification> VerifyCredential(string credentialId, ulong atHeight, ReadOnlySpan<byte> expectedClaimsHash = default) =>
        new(ContractNames.Identity, IdentityMethods.VerifyCredential, new VerifyCredentialArgs
        {
            CredentialId = credentialId,
            AtHeight = atHeight,
            ExpectedClaimsHash = ByteString.CopyFrom(expectedClaimsHash),
        }, CredentialVerification.Parser);

    public static ContractQuery<CredentialIndex> ListCredentials(ReadOnlySpan<byte> subject) =>
        new(ContractNames.Identity, IdentityMethods.ListCredentials, new ListCredentialsArgs { Subject = ByteString.CopyFrom(subject) }, CredentialIndex.Parser);
}

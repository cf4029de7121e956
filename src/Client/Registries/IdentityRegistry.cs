using Google.Protobuf;
using GovChain.Protocol.Identity;

namespace GovChain.Client.Registries;

/// <summary>The <c>identity</c> registry: identities (hash of off-chain data) and verifiable credentials with revocation.</summary>
public static class IdentityRegistry
{
    public const string Contract = "identity";

    public static class Methods
    {
        public const string Register = "register";
        public const string Update = "update";
        public const string IssueCredential = "issue_credential";
        public const string RevokeCredential = "revoke_credential";
        public const string GetIdentity = "get_identity";
        public const string GetCredential = "get_credential";
        public const string VerifyCredential = "verify_credential";
        public const string ListCredentials = "list_credentials";
    }

    /// <summary>The signer registers its own key with the hash of its off-chain personal data.</summary>
    public static ContractCall Register(ReadOnlySpan<byte> dataHash) =>
        new(Contract, Methods.Register, new RegisterIdentityArgs { DataHash = ByteString.CopyFrom(dataHash) });

    public static ContractCall Update(ReadOnlySpan<byte> dataHash) =>
        new(Contract, Methods.Update, new UpdateIdentityArgs { DataHash = ByteString.CopyFrom(dataHash) });

    /// <summary>Signed by an identity issuer (a university registrar, a licensing office).</summary>
    public static ContractCall IssueCredential(
        string credentialId, string kind, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> claimsHash, ulong validFromHeight = 0, ulong validUntilHeight = 0) =>
        new(Contract, Methods.IssueCredential, new IssueCredentialArgs
        {
            CredentialId = credentialId,
            Kind = kind,
            Subject = ByteString.CopyFrom(subject),
            ClaimsHash = ByteString.CopyFrom(claimsHash),
            ValidFromHeight = validFromHeight,
            ValidUntilHeight = validUntilHeight,
        });

    public static ContractCall RevokeCredential(string credentialId, string reason) =>
        new(Contract, Methods.RevokeCredential, new RevokeCredentialArgs { CredentialId = credentialId, Reason = reason });

    public static ContractQuery<IdentityRecord> GetIdentity(ReadOnlySpan<byte> publicKey) =>
        new(Contract, Methods.GetIdentity, new GetIdentityArgs { PublicKey = ByteString.CopyFrom(publicKey) }, IdentityRecord.Parser);

    public static ContractQuery<CredentialRecord> GetCredential(string credentialId) =>
        new(Contract, Methods.GetCredential, new GetCredentialArgs { CredentialId = credentialId }, CredentialRecord.Parser);

    /// <summary>Judged at <paramref name="atHeight"/>; the claims hash, when given, must match too.</summary>
    public static ContractQuery<CredentialVerification> VerifyCredential(string credentialId, ulong atHeight, ReadOnlySpan<byte> expectedClaimsHash = default) =>
        new(Contract, Methods.VerifyCredential, new VerifyCredentialArgs
        {
            CredentialId = credentialId,
            AtHeight = atHeight,
            ExpectedClaimsHash = ByteString.CopyFrom(expectedClaimsHash),
        }, CredentialVerification.Parser);

    public static ContractQuery<CredentialIndex> ListCredentials(ReadOnlySpan<byte> subject) =>
        new(Contract, Methods.ListCredentials, new ListCredentialsArgs { Subject = ByteString.CopyFrom(subject) }, CredentialIndex.Parser);
}

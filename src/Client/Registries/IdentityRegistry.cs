using GovChain.Protocol.Identity;

namespace GovChain.Client.Registries;

/// <summary>
/// The <c>identity</c> registry: identities (hash of off-chain data) and verifiable credentials with revocation.
/// The SDK's names for the one set of builders the engine uses too (<see cref="IdentityCalls"/>).
/// </summary>
public static class IdentityRegistry
{
    public const string Contract = ContractNames.Identity;

    public static class Methods
    {
        public const string Register = IdentityMethods.Register;
        public const string Update = IdentityMethods.Update;
        public const string IssueCredential = IdentityMethods.IssueCredential;
        public const string RevokeCredential = IdentityMethods.RevokeCredential;
        public const string GetIdentity = IdentityMethods.GetIdentity;
        public const string GetCredential = IdentityMethods.GetCredential;
        public const string VerifyCredential = IdentityMethods.VerifyCredential;
        public const string ListCredentials = IdentityMethods.ListCredentials;
    }

    /// <inheritdoc cref="IdentityCalls.Register"/>
    public static ContractCall Register(ReadOnlySpan<byte> dataHash) => IdentityCalls.Register(dataHash);

    public static ContractCall Update(ReadOnlySpan<byte> dataHash) => IdentityCalls.Update(dataHash);

    /// <inheritdoc cref="IdentityCalls.IssueCredential"/>
    public static ContractCall IssueCredential(
        string credentialId, string kind, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> claimsHash, ulong validFromHeight = 0, ulong validUntilHeight = 0) =>
        IdentityCalls.IssueCredential(credentialId, kind, subject, claimsHash, validFromHeight, validUntilHeight);

    public static ContractCall RevokeCredential(string credentialId, string reason) => IdentityCalls.RevokeCredential(credentialId, reason);

    public static ContractQuery<IdentityRecord> GetIdentity(ReadOnlySpan<byte> publicKey) => IdentityCalls.GetIdentity(publicKey);

    public static ContractQuery<CredentialRecord> GetCredential(string credentialId) => IdentityCalls.GetCredential(credentialId);

    /// <inheritdoc cref="IdentityCalls.VerifyCredential"/>
    public static ContractQuery<CredentialVerification> VerifyCredential(string credentialId, ulong atHeight, ReadOnlySpan<byte> expectedClaimsHash = default) =>
        IdentityCalls.VerifyCredential(credentialId, atHeight, expectedClaimsHash);

    public static ContractQuery<CredentialIndex> ListCredentials(ReadOnlySpan<byte> subject) => IdentityCalls.ListCredentials(subject);
}

namespace GovChain.Client;

/// <summary>
/// The state keys of the built-in registries ("contract/kind/id"), as the contracts write
/// them: what a state proof is asked for. Public keys appear as lower-case hex.
/// The SDK's names for the keys the contracts themselves use (<see cref="RecordKeys"/>).
/// </summary>
public static class StateKeys
{
    public static byte[] Parcel(string parcelId) => RecordKeys.Parcel(parcelId);

    public static byte[] ParcelHistory(string parcelId, ulong sequence) => RecordKeys.ParcelHistory(parcelId, sequence);

    public static byte[] Identity(ReadOnlySpan<byte> publicKey) => RecordKeys.Identity(publicKey);

    public static byte[] Credential(string credentialId) => RecordKeys.Credential(credentialId);

    public static byte[] CredentialsOf(ReadOnlySpan<byte> subject) => RecordKeys.CredentialsOf(subject);

    public static byte[] Tender(string tenderId) => RecordKeys.Tender(tenderId);

    public static byte[] Bid(string tenderId, ReadOnlySpan<byte> bidder) => RecordKeys.Bid(tenderId, bidder);

    public static byte[] RegistryRecord(string type, string recordId) => RecordKeys.RegistryRecord(type, recordId);

    public static byte[] RegistryType(string type) => RecordKeys.RegistryType(type);

    public static byte[] Department(string departmentId) => RecordKeys.Department(departmentId);

    public static byte[] RoleGrant(string role, ReadOnlySpan<byte> holder) => RecordKeys.RoleGrant(role, holder);

    public static byte[] Proposal(ulong proposalId) => RecordKeys.Proposal(proposalId);

    /// <inheritdoc cref="RecordKeys.Nonce"/>
    public static byte[] Nonce(ReadOnlySpan<byte> sender) => RecordKeys.Nonce(sender);
}

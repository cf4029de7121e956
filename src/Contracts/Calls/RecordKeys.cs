using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Identity;
using GovChain.Contracts.Land;
using GovChain.Contracts.Procurement;
using GovChain.Contracts.Registry;
using GovChain.Contracts.SystemContract;

namespace GovChain.Contracts;

/// <summary>
/// The state key of every record, for clients that fetch a record with its state proof and
/// check it offline: the proof is over these exact bytes, the value is the record's message.
/// </summary>
public static class RecordKeys
{
    /// <summary>Last consumed nonce of a sender (8 bytes, big-endian).</summary>
    public static byte[] Nonce(ReadOnlySpan<byte> sender) => Nonces.Key(sender);

    /// <summary>A <c>govchain.v1.Department</c>.</summary>
    public static byte[] Department(string id) => SystemState.DepartmentKey(id);

    /// <summary>A <c>RoleGrant</c> of <paramref name="role"/> to <paramref name="holder"/>.</summary>
    public static byte[] RoleGrant(string role, ReadOnlySpan<byte> holder) => SystemState.GrantKey(role, ByteString.CopyFrom(holder));

    /// <summary>A <c>GovernanceProposal</c>.</summary>
    public static byte[] Proposal(ulong id) => SystemState.ProposalKey(id);

    /// <summary>The <c>PendingValidatorSetChange</c>.</summary>
    public static byte[] ValidatorChange() => (byte[])SystemState.ValidatorChangeKey.Clone();

    /// <summary>An <c>IdentityRecord</c>.</summary>
    public static byte[] Identity(ReadOnlySpan<byte> publicKey) => IdentityContract.IdentityKey(ByteString.CopyFrom(publicKey));

    /// <summary>A <c>CredentialRecord</c>.</summary>
    public static byte[] Credential(string id) => IdentityContract.CredentialKey(id);

    /// <summary>A <c>Parcel</c>.</summary>
    public static byte[] Parcel(string id) => LandContract.ParcelKey(id);

    /// <summary>A <c>ParcelHistoryEntry</c>.</summary>
    public static byte[] ParcelHistory(string id, ulong sequence) => LandContract.HistoryKey(id, sequence);

    /// <summary>A <c>Tender</c>.</summary>
    public static byte[] Tender(string id) => ProcurementContract.TenderKey(id);

    /// <summary>A <c>SealedBid</c>.</summary>
    public static byte[] Bid(string tenderId, ReadOnlySpan<byte> bidder) => ProcurementContract.BidKey(tenderId, ByteString.CopyFrom(bidder));

    /// <summary>A <c>RegistryTypeRecord</c>.</summary>
    public static byte[] RegistryType(string name) => RegistryDefinitions.TypeKey(name);

    /// <summary>A <c>RegistryRecord</c>.</summary>
    public static byte[] RegistryRecord(string type, string id) => RegistryDefinitions.RecordKey(type, id);

    /// <summary>Whether <paramref name="id"/> is a valid record id ([A-Za-z0-9._:-], 1 to 64).</summary>
    public static bool IsValidId(string id) => Identifiers.IsId(id);
}

using System.Globalization;
using System.Text;
using GovChain.Core.Hashing;

namespace GovChain;

/// <summary>
/// The state key of every record of the built-in contracts: the contracts write their records
/// under these keys, and a client asks a state proof for these exact bytes. Keys are readable
/// ASCII paths, "contract/kind/id[/...]", so a proof names what it proves; public keys appear
/// as lower-case hex, and the contracts' identifier rules keep '/' out of ids.
/// </summary>
public static class RecordKeys
{
    /// <summary>Last consumed nonce of a sender (8 bytes, big-endian).</summary>
    public static byte[] Nonce(ReadOnlySpan<byte> sender) => Path("nonce/", Hex.Encode(sender));

    /// <summary>A <c>govchain.v1.Department</c>.</summary>
    public static byte[] Department(string id) => Path("system/department/", id);

    /// <summary>The index of every department id.</summary>
    public static byte[] DepartmentIndex() => Path("system/departments");

    /// <summary>The index of every role that has holders.</summary>
    public static byte[] RoleIndex() => Path("system/roles");

    /// <summary>The holders of <paramref name="role"/>.</summary>
    public static byte[] RoleHolders(string role) => Path("system/role/", role);

    /// <summary>A <c>RoleGrant</c> of <paramref name="role"/> to <paramref name="holder"/>.</summary>
    public static byte[] RoleGrant(string role, ReadOnlySpan<byte> holder) => Path("system/grant/", role, Hex.Encode(holder));

    /// <summary>A <c>GovernanceProposal</c>.</summary>
    public static byte[] Proposal(ulong id) => Path("system/proposal/", Sequence(id));

    /// <summary>The id of the last proposal (8 bytes, big-endian).</summary>
    public static byte[] ProposalSequence() => Path("system/proposal_seq");

    /// <summary>The <c>PendingValidatorSetChange</c>.</summary>
    public static byte[] ValidatorChange() => Path("system/validator_change");

    /// <summary>An <c>IdentityRecord</c>.</summary>
    public static byte[] Identity(ReadOnlySpan<byte> publicKey) => Path("identity/id/", Hex.Encode(publicKey));

    /// <summary>The <c>CredentialIndex</c> of a subject.</summary>
    public static byte[] CredentialsOf(ReadOnlySpan<byte> subject) => Path("identity/subject/", Hex.Encode(subject));

    /// <summary>A <c>CredentialRecord</c>.</summary>
    public static byte[] Credential(string id) => Path("identity/cred/", id);

    /// <summary>The last credential status index assigned (8 bytes, big-endian).</summary>
    public static byte[] CredentialStatusSequence() => Path("identity/status_seq");

    /// <summary>One page of the credential revocation bitstring (<see cref="GovChain.Core.Credentials.CredentialStatusLayout.PageBytes"/> raw bytes; absent: none revoked).</summary>
    public static byte[] CredentialStatusPage(ulong page) => Path("identity/status/", Sequence(page));

    /// <summary>A <c>Parcel</c>.</summary>
    public static byte[] Parcel(string id) => Path("land/parcel/", id);

    /// <summary>A <c>ParcelHistoryEntry</c>.</summary>
    public static byte[] ParcelHistory(string id, ulong sequence) => Path("land/history/", id, Sequence(sequence));

    /// <summary>A <c>Tender</c>.</summary>
    public static byte[] Tender(string id) => Path("procurement/tender/", id);

    /// <summary>A <c>SealedBid</c>.</summary>
    public static byte[] Bid(string tenderId, ReadOnlySpan<byte> bidder) => Path("procurement/bid/", tenderId, Hex.Encode(bidder));

    /// <summary>A <c>RegistryTypeRecord</c>.</summary>
    public static byte[] RegistryType(string name) => Path("registry/type/", name);

    /// <summary>A <c>RegistryRecord</c>.</summary>
    public static byte[] RegistryRecord(string type, string id) => Path("registry/record/", type, id);

    /// <summary>Fixed-width decimal, so sequence keys sort in numeric order.</summary>
    private static string Sequence(ulong value) => value.ToString("D20", CultureInfo.InvariantCulture);

    private static byte[] Path(string path) => Encoding.UTF8.GetBytes(path);

    private static byte[] Path(string prefix, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Encoding.UTF8.GetBytes(string.Concat(prefix, id));
    }

    private static byte[] Path(string prefix, string id, string suffix)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Encoding.UTF8.GetBytes(string.Concat(prefix, id, "/", suffix));
    }
}

using System.Text;
using GovChain.Core.Hashing;

namespace GovChain.Client;

/// <summary>
/// The state keys of the built-in registries ("contract/kind/id"), as the contracts write
/// them: what a state proof is asked for. Public keys appear as lower-case hex.
/// </summary>
public static class StateKeys
{
    public static byte[] Parcel(string parcelId) => Of("land/parcel/", parcelId);

    public static byte[] Identity(ReadOnlySpan<byte> publicKey) => Of("identity/id/", Hex.Encode(publicKey));

    public static byte[] Credential(string credentialId) => Of("identity/cred/", credentialId);

    public static byte[] CredentialsOf(ReadOnlySpan<byte> subject) => Of("identity/subject/", Hex.Encode(subject));

    public static byte[] Tender(string tenderId) => Of("procurement/tender/", tenderId);

    public static byte[] Bid(string tenderId, ReadOnlySpan<byte> bidder) => Of("procurement/bid/", tenderId + "/" + Hex.Encode(bidder));

    public static byte[] RegistryRecord(string type, string recordId) => Of("registry/record/", type + "/" + recordId);

    public static byte[] RegistryType(string type) => Of("registry/type/", type);

    public static byte[] Department(string departmentId) => Of("system/department/", departmentId);

    /// <summary>The last nonce the sender consumed (8 bytes, big-endian).</summary>
    public static byte[] Nonce(ReadOnlySpan<byte> sender) => Of("nonce/", Hex.Encode(sender));

    private static byte[] Of(string prefix, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Encoding.UTF8.GetBytes(prefix + id);
    }
}

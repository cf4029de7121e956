using GovChain.Core.Crypto;

namespace GovChain.Core.Credentials;

/// <summary>
/// <c>did:key</c> for Ed25519 public keys: multibase base58btc ('z') of the multicodec prefix
/// 0xed 0x01 and the 32-byte key. The DID document is implied by the key, so a verifier needs
/// no registry; the verification method is the DID with its own key as fragment.
/// </summary>
public static class DidKey
{
    private const string Prefix = "did:key:";

    /// <summary>The multibase Multikey form of the key ("z6Mk..."), as used in <c>publicKeyMultibase</c>.</summary>
    public static string Multikey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519.PublicKeySize)
        {
            throw new ArgumentException($"an Ed25519 public key has {Ed25519.PublicKeySize} bytes, not {publicKey.Length}", nameof(publicKey));
        }

        Span<byte> prefixed = stackalloc byte[2 + Ed25519.PublicKeySize];
        prefixed[0] = 0xed;
        prefixed[1] = 0x01;
        publicKey.CopyTo(prefixed[2..]);
        return "z" + Base58Btc.Encode(prefixed);
    }

    public static string Of(ReadOnlySpan<byte> publicKey) => Prefix + Multikey(publicKey);

    /// <summary>The verification method id: <c>did:key:z..#z...</c>.</summary>
    public static string VerificationMethod(ReadOnlySpan<byte> publicKey)
    {
        var multikey = Multikey(publicKey);
        return $"{Prefix}{multikey}#{multikey}";
    }

    /// <summary>The Ed25519 key of a <c>did:key</c> DID or verification method, or null when it is not one.</summary>
    public static byte[]? TryParse(string didOrMethod)
    {
        ArgumentNullException.ThrowIfNull(didOrMethod);
        if (!didOrMethod.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = didOrMethod[Prefix.Length..];
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        if (rest.Length < 2 || rest[0] != 'z' || Base58Btc.TryDecode(rest[1..]) is not { Length: 2 + Ed25519.PublicKeySize } bytes
            || bytes[0] != 0xed || bytes[1] != 0x01)
        {
            return null;
        }

        return bytes[2..];
    }
}

using System.Security.Cryptography;
using NSec.Cryptography;

namespace GovChain.Core.Crypto;

/// <summary>Ed25519 signatures (RFC 8032) through NSec, on the libsodium it ships.</summary>
public static class Ed25519
{
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;
    public const int SeedSize = 32;

    internal static NSec.Cryptography.Ed25519 Algorithm => SignatureAlgorithm.Ed25519;

    /// <summary>
    /// Loads the libsodium shipped with NSec now, so a deployment that lost its native asset
    /// fails at start-up with a message rather than on the first signature.
    /// </summary>
    public static void EnsureAvailable()
    {
        try
        {
            _ = Algorithm.SignatureSize;
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or PlatformNotSupportedException or InvalidOperationException)
        {
            throw new DllNotFoundException(
                "The libsodium that NSec.Cryptography ships (runtimes/<rid>/native in the build output) could not be loaded: " +
                "this platform is unsupported or the native asset was not deployed.", ex);
        }
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        // Validators and busy clients sign again and again: their imported key is reused, so the
        // hot path allocates nothing; a key is only kept once it has produced a valid signature.
        if (PublicKeyCache.Shared.TryGet(publicKey, out var cached))
        {
            return Algorithm.Verify(cached, message, signature);
        }

        var imported = NSec.Cryptography.PublicKey.Import(Algorithm, publicKey, KeyBlobFormat.RawPublicKey);
        if (!Algorithm.Verify(imported, message, signature))
        {
            return false;
        }

        PublicKeyCache.Shared.Add(publicKey, imported);
        return true;
    }

    /// <summary>Fills <paramref name="buffer"/> with bytes from the operating system's CSPRNG.</summary>
    public static void RandomBytes(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);

    internal static void Zero(Span<byte> buffer) => CryptographicOperations.ZeroMemory(buffer);
}

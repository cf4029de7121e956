namespace GovChain.Core.Crypto;

/// <summary>Ed25519 signatures (RFC 8032) through libsodium.</summary>
public static class Ed25519
{
    public const int PublicKeySize = Sodium.PublicKeyBytes;
    public const int SignatureSize = Sodium.SignatureBytes;
    public const int SeedSize = Sodium.SeedBytes;

    /// <summary>Loads libsodium now; a missing install is reported with the package to install.</summary>
    public static void EnsureAvailable() => Sodium.EnsureLoaded();

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static unsafe bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        fixed (byte* pk = publicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            return Sodium.crypto_sign_ed25519_verify_detached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }

    internal static unsafe void Sign(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        if (secretKey.Length != Sodium.SecretKeyBytes)
        {
            throw new ArgumentException("An Ed25519 secret key is 64 bytes.", nameof(secretKey));
        }

        if (signature.Length < SignatureSize)
        {
            throw new ArgumentException("The signature buffer must hold 64 bytes.", nameof(signature));
        }

        fixed (byte* sk = secretKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            ulong len;
            if (Sodium.crypto_sign_ed25519_detached(sig, &len, m, (ulong)message.Length, sk) != 0)
            {
                throw new InvalidOperationException("libsodium failed to sign.");
            }
        }
    }

    internal static unsafe void KeyPairFromSeed(ReadOnlySpan<byte> seed, Span<byte> publicKey, Span<byte> secretKey)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
        {
            if (Sodium.crypto_sign_ed25519_seed_keypair(pk, sk, s) != 0)
            {
                throw new InvalidOperationException("libsodium failed to derive a key pair.");
            }
        }
    }

    /// <summary>Fills <paramref name="buffer"/> with bytes from libsodium's CSPRNG.</summary>
    public static unsafe void RandomBytes(Span<byte> buffer)
    {
        Sodium.EnsureLoaded();
        fixed (byte* b = buffer)
        {
            Sodium.randombytes_buf(b, (nuint)buffer.Length);
        }
    }

    internal static unsafe void Zero(Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            Sodium.sodium_memzero(b, (nuint)buffer.Length);
        }
    }
}

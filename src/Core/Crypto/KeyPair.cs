using GovChain.Core.Hashing;
using NSec.Cryptography;

namespace GovChain.Core.Crypto;

/// <summary>
/// An Ed25519 signing key. The secret lives in NSec's guarded native memory (never on the
/// managed heap, so the GC never copies it) and is wiped and freed on <see cref="Dispose"/>.
/// </summary>
public sealed class KeyPair : IDisposable
{
    // The seed must be exportable, or it could not be encrypted into a key file.
    private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

    private readonly Key _key;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private KeyPair(Key key)
    {
        _key = key;
        _publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public static KeyPair Generate() => new(Key.Create(Ed25519.Algorithm, Exportable));

    /// <summary>Derives the key pair from a 32-byte RFC 8032 seed (the "private key" of the RFC).</summary>
    public static KeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519.SeedSize)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        return new(Key.Import(Ed25519.Algorithm, seed, KeyBlobFormat.RawPrivateKey, Exportable));
    }

    public ReadOnlySpan<byte> PublicKey => _publicKey;

    public byte[] PublicKeyBytes() => (byte[])_publicKey.Clone();

    /// <summary>Short printable form of the public key (lower-case hex).</summary>
    public string PublicKeyHex => Hex.Encode(_publicKey);

    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (signature.Length < Ed25519.SignatureSize)
        {
            throw new ArgumentException("The signature buffer must hold 64 bytes.", nameof(signature));
        }

        Ed25519.Algorithm.Sign(_key, message, signature[..Ed25519.SignatureSize]);
    }

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519.SignatureSize];
        Sign(message, signature);
        return signature;
    }

    /// <summary>Copies the 32-byte seed out, for encrypting into a key file.</summary>
    public void ExportSeed(Span<byte> seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (seed.Length < Ed25519.SeedSize)
        {
            throw new ArgumentException("The seed buffer must hold 32 bytes.", nameof(seed));
        }

        if (!_key.TryExport(KeyBlobFormat.RawPrivateKey, seed, out var written) || written != Ed25519.SeedSize)
        {
            throw new InvalidOperationException("NSec did not export the 32-byte Ed25519 seed.");
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _key.Dispose();
            _disposed = true;
        }
    }
}

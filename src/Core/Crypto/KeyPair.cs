using GovChain.Core.Hashing;

namespace GovChain.Core.Crypto;

/// <summary>
/// An Ed25519 signing key. The secret lives in a pinned array (so the GC never copies it)
/// and is wiped on <see cref="Dispose"/>.
/// </summary>
public sealed class KeyPair : IDisposable
{
    private readonly byte[] _secretKey;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private KeyPair(ReadOnlySpan<byte> seed)
    {
        _secretKey = GC.AllocateArray<byte>(Sodium.SecretKeyBytes, pinned: true);
        _publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.KeyPairFromSeed(seed, _publicKey, _secretKey);
    }

    public static KeyPair Generate()
    {
        Span<byte> seed = stackalloc byte[Ed25519.SeedSize];
        Ed25519.RandomBytes(seed);
        try
        {
            return new KeyPair(seed);
        }
        finally
        {
            Ed25519.Zero(seed);
        }
    }

    /// <summary>Derives the key pair from a 32-byte RFC 8032 seed (the "private key" of the RFC).</summary>
    public static KeyPair FromSeed(ReadOnlySpan<byte> seed) => new(seed);

    public ReadOnlySpan<byte> PublicKey => _publicKey;

    public byte[] PublicKeyBytes() => (byte[])_publicKey.Clone();

    /// <summary>Short printable form of the public key (lower-case hex).</summary>
    public string PublicKeyHex => Hex.Encode(_publicKey);

    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Ed25519.Sign(_secretKey, message, signature);
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
        // libsodium's secret key is seed || public key.
        _secretKey.AsSpan(0, Ed25519.SeedSize).CopyTo(seed);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            Ed25519.Zero(_secretKey);
            _disposed = true;
        }
    }
}

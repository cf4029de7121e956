using System.Security.Cryptography;
using GovChain.Consensus;
using GovChain.Core.Crypto;

namespace GovChain.Simulation.Tests;

/// <summary>
/// A cheap stand-in for Ed25519 that most seeds use: the "signature" is SHA-256 of the key
/// and message, twice. Only the simulator holds the keys, so in here nobody can forge it;
/// a wrong message, key or signature still fails to verify, which is what the protocol sees.
/// </summary>
public sealed class HashSigner : IConsensusSigner
{
    private readonly byte[] _publicKey;

    public HashSigner(int index)
    {
        _publicKey = SHA256.HashData(BitConverter.GetBytes(index + 7919));
    }

    public ReadOnlySpan<byte> PublicKey => _publicKey;

    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) => HashSignatures.Compute(_publicKey, message, signature);
}

public sealed class HashSignatureVerifier : ISignatureVerifier
{
    public static HashSignatureVerifier Instance { get; } = new();

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[64];
        HashSignatures.Compute(publicKey, message, expected);
        return CryptographicOperations.FixedTimeEquals(expected, signature);
    }
}

internal static class HashSignatures
{
    public static void Compute(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Span<byte> buffer = stackalloc byte[32 + Math.Max(message.Length, 32)];
        publicKey.CopyTo(buffer);
        message.CopyTo(buffer[32..]);
        SHA256.HashData(buffer[..(32 + message.Length)], signature[..32]);
        signature[..32].CopyTo(buffer[32..]);
        SHA256.HashData(buffer[..64], signature[32..64]);
    }
}

/// <summary>The validators' keys of one run: hash keys, or real Ed25519 keys derived from fixed seeds.</summary>
public sealed class SimKeys : IDisposable
{
    private readonly KeyPair[] _keyPairs;

    public SimKeys(int count, bool realEd25519)
    {
        RealEd25519 = realEd25519;
        Signers = new IConsensusSigner[count];
        _keyPairs = realEd25519 ? new KeyPair[count] : [];
        for (var i = 0; i < count; i++)
        {
            if (realEd25519)
            {
                var seed = SHA256.HashData(BitConverter.GetBytes(i + 104729));
                _keyPairs[i] = KeyPair.FromSeed(seed);
                Signers[i] = new Ed25519ConsensusSigner(_keyPairs[i]);
            }
            else
            {
                Signers[i] = new HashSigner(i);
            }
        }

        Verifier = realEd25519 ? Ed25519SignatureVerifier.Instance : HashSignatureVerifier.Instance;
    }

    public bool RealEd25519 { get; }

    public IConsensusSigner[] Signers { get; }

    public ISignatureVerifier Verifier { get; }

    public void Dispose()
    {
        foreach (var key in _keyPairs)
        {
            key.Dispose();
        }
    }
}

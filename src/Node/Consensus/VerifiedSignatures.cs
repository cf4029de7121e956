using System.Security.Cryptography;
using GovChain.Consensus;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;

namespace GovChain.Node.Consensus;

/// <summary>
/// Signatures already checked, so none is checked twice: peers' votes and proposals are verified
/// on the thread that received them (see ConsensusDriver.Input.cs), and the state machine's
/// verifier then finds them here instead of spending an Ed25519 check on the consensus thread.
/// An entry is SHA-256 of key, signature and message, so a hit proves the exact triple verified.
/// Bounded: the oldest entry leaves when full (a miss only costs one more check).
/// </summary>
public sealed class VerifiedSignatures : ISignatureVerifier
{
    /// <summary>Longest signed message cached (votes and proposals sign well under this); longer ones are checked every time.</summary>
    private const int MaxMessageBytes = 512;

    private readonly int _capacity;
    private readonly HashSet<Hash32> _entries;
    private readonly Queue<Hash32> _order;
    private readonly Lock _gate = new();
    private long _hits;
    private long _checks;

    public VerifiedSignatures(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _entries = new HashSet<Hash32>(capacity);
        _order = new Queue<Hash32>(capacity);
    }

    /// <summary>Verifications answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Ed25519 checks performed.</summary>
    public long Checks => Interlocked.Read(ref _checks);

    /// <summary>True when this exact signature was verified already (no check is made).</summary>
    public bool Contains(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519.PublicKeySize || signature.Length != Ed25519.SignatureSize || message.Length > MaxMessageBytes)
        {
            return false;
        }

        var key = KeyOf(publicKey, message, signature);
        lock (_gate)
        {
            return _entries.Contains(key);
        }
    }

    /// <summary>Verifies (or finds verified) the signature; a valid one is remembered.</summary>
    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519.PublicKeySize || signature.Length != Ed25519.SignatureSize || message.Length > MaxMessageBytes)
        {
            Interlocked.Increment(ref _checks);
            return Ed25519.Verify(publicKey, message, signature);
        }

        var key = KeyOf(publicKey, message, signature);
        lock (_gate)
        {
            if (_entries.Contains(key))
            {
                Interlocked.Increment(ref _hits);
                return true;
            }
        }

        Interlocked.Increment(ref _checks);
        if (!Ed25519.Verify(publicKey, message, signature))
        {
            return false;
        }

        lock (_gate)
        {
            if (_entries.Add(key))
            {
                _order.Enqueue(key);
                if (_order.Count > _capacity)
                {
                    _entries.Remove(_order.Dequeue());
                }
            }
        }

        return true;
    }

    private static Hash32 KeyOf(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Span<byte> buffer = stackalloc byte[Ed25519.PublicKeySize + Ed25519.SignatureSize + MaxMessageBytes];
        publicKey.CopyTo(buffer);
        signature.CopyTo(buffer[Ed25519.PublicKeySize..]);
        message.CopyTo(buffer[(Ed25519.PublicKeySize + Ed25519.SignatureSize)..]);
        Span<byte> digest = stackalloc byte[Hash32.Size];
        SHA256.HashData(buffer[..(Ed25519.PublicKeySize + Ed25519.SignatureSize + message.Length)], digest);
        return new Hash32(digest);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using NSecPublicKey = NSec.Cryptography.PublicKey;

namespace GovChain.Core.Crypto;

/// <summary>
/// Imported Ed25519 public keys by their 32 raw bytes, so verifying a known signer allocates
/// nothing. Bounded: when full it is emptied and refills with the keys still in use, so a flood
/// of distinct signers costs at worst one import per signature, as without a cache. Only speed
/// depends on it; a verdict never does.
/// </summary>
internal sealed class PublicKeyCache
{
    internal const int DefaultCapacity = 4096;

    private readonly ConcurrentDictionary<RawKey, NSecPublicKey> _keys = new();
    private readonly Lock _clearing = new();
    private readonly int _capacity;
    private int _count;

    internal PublicKeyCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public static PublicKeyCache Shared { get; } = new(DefaultCapacity);

    internal int Count => _keys.Count;

    public bool TryGet(ReadOnlySpan<byte> raw, [NotNullWhen(true)] out NSecPublicKey? key) =>
        _keys.TryGetValue(RawKey.From(raw), out key);

    public void Add(ReadOnlySpan<byte> raw, NSecPublicKey key)
    {
        if (Volatile.Read(ref _count) >= _capacity)
        {
            lock (_clearing)
            {
                if (_count >= _capacity)
                {
                    _keys.Clear();
                    Volatile.Write(ref _count, 0);
                }
            }
        }

        if (_keys.TryAdd(RawKey.From(raw), key))
        {
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>32 key bytes as a value: hashing and comparing it allocates nothing.</summary>
    private readonly record struct RawKey(ulong A, ulong B, ulong C, ulong D)
    {
        public static RawKey From(ReadOnlySpan<byte> raw)
        {
            return new RawKey(
                MemoryMarshal.Read<ulong>(raw),
                MemoryMarshal.Read<ulong>(raw[8..]),
                MemoryMarshal.Read<ulong>(raw[16..]),
                MemoryMarshal.Read<ulong>(raw[24..32]));
        }

        // HashCode is seeded per process, so signers cannot choose keys that collide in the table.
        public override int GetHashCode() => HashCode.Combine(A, B, C, D);
    }
}

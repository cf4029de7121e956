using System.Security.Cryptography;
using GovChain.Core.Hashing;

namespace GovChain.Core.State;

/// <summary>
/// The hashes of the authenticated state: a compact sparse Merkle tree over 256-bit key
/// hashes. An empty subtree is <see cref="Hash32.Zero"/>; a subtree holding one key is that
/// key's leaf, whatever its depth; any other subtree is a node over its two halves. The
/// shape is therefore a function of the key set alone, so every node that holds the same
/// state computes the same root, however the state was built up.
/// </summary>
public static class StateTreeHashing
{
    /// <summary>Bits in a key hash, hence the deepest a path can go.</summary>
    public const int MaxDepth = 256;

    /// <summary>Largest state key accepted anywhere.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>Largest state value accepted anywhere.</summary>
    public const int MaxValueBytes = 4 * 1024 * 1024;

    /// <summary>Root of the empty state.</summary>
    public static Hash32 EmptyRoot => Hash32.Zero;

    public static Hash32 KeyHash(ReadOnlySpan<byte> key) => Hashes.Tagged(HashDomain.StateKey, key);

    /// <summary>
    /// Plain SHA-256 of a value. It never stands alone as a commitment: it only ever appears
    /// inside a leaf preimage, whose domain tag is what separates it from other hashes.
    /// </summary>
    public static Hash32 ValueHash(ReadOnlySpan<byte> value)
    {
        Span<byte> digest = stackalloc byte[Hash32.Size];
        SHA256.HashData(value, digest);
        return new Hash32(digest);
    }

    public static Hash32 LeafHash(in Hash32 keyHash, in Hash32 valueHash) =>
        Hashes.Tagged(HashDomain.StateLeaf, keyHash, valueHash);

    public static Hash32 NodeHash(in Hash32 left, in Hash32 right) => Hashes.Tagged(HashDomain.StateNode, left, right);

    /// <summary>Bit <paramref name="depth"/> of a key hash, most significant first: 0 goes left, 1 right.</summary>
    public static int Bit(in Hash32 keyHash, int depth)
    {
        Span<byte> bytes = stackalloc byte[Hash32.Size];
        keyHash.CopyTo(bytes);
        return Bit(bytes, depth);
    }

    public static int Bit(ReadOnlySpan<byte> keyHash, int depth) => (keyHash[depth >> 3] >> (7 - (depth & 7))) & 1;

    /// <summary>Whether two key hashes agree on their first <paramref name="bits"/> bits.</summary>
    public static bool SharePrefix(in Hash32 a, in Hash32 b, int bits)
    {
        Span<byte> x = stackalloc byte[Hash32.Size];
        Span<byte> y = stackalloc byte[Hash32.Size];
        a.CopyTo(x);
        b.CopyTo(y);
        var whole = bits >> 3;
        if (!x[..whole].SequenceEqual(y[..whole]))
        {
            return false;
        }

        var rest = bits & 7;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (x[whole] & mask) == (y[whole] & mask);
    }

    /// <summary>
    /// The root of a whole state given as (key hash, value hash) pairs, computed from scratch.
    /// Slow by design: it is the reference the incremental store is checked against, and lets
    /// an auditor recompute a root from an exported state.
    /// </summary>
    public static Hash32 RootOf(IEnumerable<(Hash32 KeyHash, Hash32 ValueHash)> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var sorted = leaves.OrderBy(l => l.KeyHash).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].KeyHash == sorted[i - 1].KeyHash)
            {
                throw new ArgumentException("Two leaves share a key hash.", nameof(leaves));
            }
        }

        return Subtree(sorted, 0);
    }

    private static Hash32 Subtree(ReadOnlySpan<(Hash32 KeyHash, Hash32 ValueHash)> leaves, int depth)
    {
        if (leaves.Length == 0)
        {
            return Hash32.Zero;
        }

        if (leaves.Length == 1)
        {
            return LeafHash(leaves[0].KeyHash, leaves[0].ValueHash);
        }

        // Sorted by key hash, so the left half is a prefix of the span.
        var split = 0;
        while (split < leaves.Length && Bit(leaves[split].KeyHash, depth) == 0)
        {
            split++;
        }

        return NodeHash(Subtree(leaves[..split], depth + 1), Subtree(leaves[split..], depth + 1));
    }
}

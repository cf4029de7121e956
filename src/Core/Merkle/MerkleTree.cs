using System.Buffers;
using GovChain.Core.Hashing;

namespace GovChain.Core.Merkle;

/// <summary>
/// RFC 6962 Merkle tree hash: leaves hashed with the 0x00 prefix, inner nodes with 0x01, the
/// tree left-balanced (the split is at the largest power of two below the size). Computed
/// bottom-up by promoting a lone last node, which yields the same tree.
/// </summary>
public static class MerkleTree
{
    /// <summary>The root of a tree with no leaves: SHA-256 of the empty string.</summary>
    public static Hash32 EmptyRoot { get; } = Hashes.Plain([]);

    public static Hash32 LeafHash(ReadOnlySpan<byte> data) => Hashes.Tagged(HashDomain.MerkleLeaf, data);

    public static Hash32 NodeHash(in Hash32 left, in Hash32 right) => Hashes.Tagged(HashDomain.MerkleNode, left, right);

    /// <summary>Root over leaves whose data are 32-byte hashes (tx ids, receipt hashes).</summary>
    public static Hash32 RootOfHashes(IReadOnlyList<Hash32> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        return Root(leaves.Count, i =>
        {
            Span<byte> data = stackalloc byte[Hash32.Size];
            leaves[i].CopyTo(data);
            return LeafHash(data);
        });
    }

    /// <summary>Root over arbitrary leaf data.</summary>
    public static Hash32 RootOfData(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        return Root(leaves.Count, i => LeafHash(leaves[i]));
    }

    /// <summary>Root over leaves already hashed with <see cref="LeafHash"/>.</summary>
    public static Hash32 RootOfLeafHashes(ReadOnlySpan<Hash32> leafHashes)
    {
        if (leafHashes.IsEmpty)
        {
            return EmptyRoot;
        }

        var level = ArrayPool<Hash32>.Shared.Rent(leafHashes.Length);
        try
        {
            leafHashes.CopyTo(level);
            return Reduce(level, leafHashes.Length);
        }
        finally
        {
            ArrayPool<Hash32>.Shared.Return(level);
        }
    }

    /// <summary>Audit path for leaf <paramref name="index"/>, from its sibling upwards.</summary>
    public static MerkleAuditPath Prove(ReadOnlySpan<Hash32> leafHashes, int index)
    {
        if ((uint)index >= (uint)leafHashes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is outside a tree of {leafHashes.Length} leaves.");
        }

        var path = new List<Hash32>();
        var level = leafHashes.ToArray();
        var count = level.Length;
        var i = index;
        while (count > 1)
        {
            if ((i & 1) == 1)
            {
                path.Add(level[i - 1]);
            }
            else if (i + 1 < count)
            {
                path.Add(level[i + 1]);
            }

            count = CombineLevel(level, count);
            i >>= 1;
        }

        return new MerkleAuditPath(index, leafHashes.Length, path);
    }

    /// <summary>Audit path for tx-id leaf <paramref name="index"/>.</summary>
    public static MerkleAuditPath ProveHash(IReadOnlyList<Hash32> leaves, int index)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var hashes = new Hash32[leaves.Count];
        Span<byte> data = stackalloc byte[Hash32.Size];
        for (var i = 0; i < hashes.Length; i++)
        {
            leaves[i].CopyTo(data);
            hashes[i] = LeafHash(data);
        }

        return Prove(hashes, index);
    }

    private static Hash32 Root(int count, Func<int, Hash32> leafHash)
    {
        if (count == 0)
        {
            return EmptyRoot;
        }

        var level = ArrayPool<Hash32>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                level[i] = leafHash(i);
            }

            return Reduce(level, count);
        }
        finally
        {
            ArrayPool<Hash32>.Shared.Return(level);
        }
    }

    private static Hash32 Reduce(Hash32[] level, int count)
    {
        while (count > 1)
        {
            count = CombineLevel(level, count);
        }

        return level[0];
    }

    // Replaces the first half of the level by the parents; a lone last node moves up as is.
    private static int CombineLevel(Hash32[] level, int count)
    {
        var parents = 0;
        for (var i = 0; i + 1 < count; i += 2)
        {
            level[parents++] = NodeHash(level[i], level[i + 1]);
        }

        if ((count & 1) == 1)
        {
            level[parents++] = level[count - 1];
        }

        return parents;
    }
}

using System.Buffers.Binary;
using GovChain.Core.Hashing;
using GovChain.Core.State;

namespace GovChain.Storage.State;

internal enum NodeKind : byte
{
    Empty = 0,
    Leaf = 1,
    Internal = 2,
}

/// <summary>A pointer to a stored node: its kind, the version that wrote it (part of its key) and its hash.</summary>
internal readonly record struct NodeRef(NodeKind Kind, ulong Version, Hash32 Hash)
{
    public const int Size = 1 + 8 + Hash32.Size;

    public static NodeRef Empty => default;

    public bool IsEmpty => Kind == NodeKind.Empty;

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)Kind;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], Version);
        Hash.CopyTo(destination[9..]);
    }

    public static NodeRef Read(ReadOnlySpan<byte> source)
    {
        var kind = (NodeKind)source[0];
        if (kind is not (NodeKind.Empty or NodeKind.Leaf or NodeKind.Internal))
        {
            throw new StorageCorruptionException($"State tree pointer has unknown kind {source[0]}.");
        }

        return new NodeRef(kind, BinaryPrimitives.ReadUInt64BigEndian(source[1..]), new Hash32(source[9..Size]));
    }
}

/// <summary>
/// A node of the state tree as held in memory: a leaf (key hash, value hash) or an internal
/// node (two child pointers). Its hash is computed from its content, so a node read back is
/// checked against the hash its parent holds for it.
/// </summary>
internal readonly record struct TreeNode(NodeKind Kind, Hash32 KeyHash, Hash32 ValueHash, NodeRef Left, NodeRef Right)
{
    private const int LeafSize = 1 + (2 * Hash32.Size);
    private const int InternalSize = 1 + (2 * NodeRef.Size);

    public static TreeNode Empty => default;

    public static TreeNode NewLeaf(in Hash32 keyHash, in Hash32 valueHash) =>
        new(NodeKind.Leaf, keyHash, valueHash, default, default);

    public static TreeNode NewInternal(in NodeRef left, in NodeRef right) =>
        new(NodeKind.Internal, default, default, left, right);

    public Hash32 ComputeHash() => Kind switch
    {
        NodeKind.Leaf => StateTreeHashing.LeafHash(KeyHash, ValueHash),
        NodeKind.Internal => StateTreeHashing.NodeHash(Left.Hash, Right.Hash),
        _ => Hash32.Zero,
    };

    public byte[] Encode()
    {
        if (Kind == NodeKind.Leaf)
        {
            var leaf = new byte[LeafSize];
            leaf[0] = (byte)NodeKind.Leaf;
            KeyHash.CopyTo(leaf.AsSpan(1));
            ValueHash.CopyTo(leaf.AsSpan(1 + Hash32.Size));
            return leaf;
        }

        if (Kind != NodeKind.Internal)
        {
            throw new InvalidOperationException("An empty subtree is never stored.");
        }

        var node = new byte[InternalSize];
        node[0] = (byte)NodeKind.Internal;
        Left.Write(node.AsSpan(1));
        Right.Write(node.AsSpan(1 + NodeRef.Size));
        return node;
    }

    public static TreeNode Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == LeafSize && bytes[0] == (byte)NodeKind.Leaf)
        {
            return NewLeaf(new Hash32(bytes.Slice(1, Hash32.Size)), new Hash32(bytes.Slice(1 + Hash32.Size, Hash32.Size)));
        }

        if (bytes.Length == InternalSize && bytes[0] == (byte)NodeKind.Internal)
        {
            return NewInternal(NodeRef.Read(bytes[1..]), NodeRef.Read(bytes[(1 + NodeRef.Size)..]));
        }

        throw new StorageCorruptionException($"State tree node of {bytes.Length} bytes is malformed.");
    }
}

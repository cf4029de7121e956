using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Storage.Engine;

namespace GovChain.Storage.State;

/// <summary>One leaf-level change of a block: set (key hash, value hash), or delete the key hash.</summary>
internal readonly record struct LeafChange(Hash32 KeyHash, Hash32 ValueHash, bool Delete);

/// <summary>
/// Applies a block's leaf changes to the tree of the previous version, touching only the
/// paths that change: it reads each affected node once, writes the new nodes under the new
/// version and lists the replaced ones as stale (for pruning). Nothing is written to the
/// store here; the caller puts <see cref="NodeWrites"/> in the block's write batch.
/// </summary>
internal sealed class StateTreeUpdate
{
    private readonly StateTreeReader _reader;
    private readonly ulong _version;

    public StateTreeUpdate(IKeyValueReader reader, NodeCache? cache, ulong version)
    {
        _reader = new StateTreeReader(reader, cache);
        _version = version;
    }

    public List<(byte[] Key, byte[] Value)> NodeWrites { get; } = [];

    public List<byte[]> StaleNodes { get; } = [];

    /// <summary>Returns the new root. <paramref name="changes"/> must be sorted by key hash, one per key.</summary>
    public NodeRef Apply(in NodeRef root, ReadOnlySpan<LeafChange> changes)
    {
        if (changes.IsEmpty)
        {
            return root;
        }

        var result = Update(0, root, changes, changes[0].KeyHash);
        return Materialize(result, 0);
    }

    private Result Update(int depth, in NodeRef existing, ReadOnlySpan<LeafChange> changes, in Hash32 sample)
    {
        if (changes.IsEmpty)
        {
            return Result.Keep(existing, sample);
        }

        switch (existing.Kind)
        {
            case NodeKind.Empty:
            {
                var inserts = Merge(null, changes);
                return inserts.Count == 0 ? Result.Keep(existing, sample) : Build(depth, inserts.ToArray(), sample);
            }

            case NodeKind.Leaf:
            {
                var leaf = _reader.Read(existing, depth, sample);
                var merged = Merge(leaf, changes);
                if (merged.Count == 1 && merged[0].KeyHash == leaf.KeyHash && merged[0].ValueHash == leaf.ValueHash)
                {
                    return Result.Keep(existing, sample);
                }

                Stale(existing, depth, sample);
                return Build(depth, merged.ToArray(), sample);
            }

            default:
            {
                var node = _reader.Read(existing, depth, sample);
                var split = SplitIndex(changes, depth);
                var left = Update(depth + 1, node.Left, changes[..split], WithBit(sample, depth, 0));
                var right = Update(depth + 1, node.Right, changes[split..], WithBit(sample, depth, 1));
                if (left.Kept && right.Kept)
                {
                    return Result.Keep(existing, sample);
                }

                Stale(existing, depth, sample);
                return Combine(depth, left, right, sample);
            }
        }
    }

    /// <summary>Builds a fresh subtree over leaves sorted by key hash.</summary>
    private Result Build(int depth, ReadOnlySpan<LeafChange> leaves, in Hash32 sample)
    {
        if (leaves.Length == 0)
        {
            return Result.New(TreeNode.Empty, sample);
        }

        if (leaves.Length == 1)
        {
            return Result.New(TreeNode.NewLeaf(leaves[0].KeyHash, leaves[0].ValueHash), sample);
        }

        if (depth >= StateTreeHashing.MaxDepth)
        {
            throw new InvalidOperationException("Two distinct key hashes cannot share all 256 bits.");
        }

        var split = SplitIndex(leaves, depth);
        var left = Build(depth + 1, leaves[..split], WithBit(sample, depth, 0));
        var right = Build(depth + 1, leaves[split..], WithBit(sample, depth, 1));
        return Combine(depth, left, right, sample);
    }

    /// <summary>Joins two children, keeping the tree compact: a lone leaf rises to take its parent's place.</summary>
    private Result Combine(int depth, in Result left, in Result right, in Hash32 sample)
    {
        if (left.IsEmpty && right.IsEmpty)
        {
            return Result.New(TreeNode.Empty, sample);
        }

        if (left.IsEmpty || right.IsEmpty)
        {
            var only = left.IsEmpty ? right : left;
            if (only.Kind == NodeKind.Leaf)
            {
                var leaf = only.Node;
                if (only.Kept)
                {
                    // An unchanged leaf moving up: it is rewritten at its new position, the old one goes stale.
                    leaf = _reader.Read(only.KeptRef, depth + 1, only.Sample);
                    Stale(only.KeptRef, depth + 1, only.Sample);
                }

                return Result.New(leaf, sample);
            }
        }

        var l = Materialize(left, depth + 1);
        var r = Materialize(right, depth + 1);
        return Result.New(TreeNode.NewInternal(l, r), sample);
    }

    private NodeRef Materialize(in Result result, int depth)
    {
        if (result.Kept)
        {
            return result.KeptRef;
        }

        if (result.Node.Kind == NodeKind.Empty)
        {
            return NodeRef.Empty;
        }

        NodeWrites.Add((StorageKeys.NodeKey(_version, depth, result.Sample), result.Node.Encode()));
        return new NodeRef(result.Node.Kind, _version, result.Hash);
    }

    private void Stale(in NodeRef node, int depth, in Hash32 sample) =>
        StaleNodes.Add(StorageKeys.NodeKey(node.Version, depth, sample));

    /// <summary>The leaves of a subtree after its changes: the existing leaf (if any) merged with the sorted changes.</summary>
    private static List<LeafChange> Merge(TreeNode? existing, ReadOnlySpan<LeafChange> changes)
    {
        var merged = new List<LeafChange>(changes.Length + 1);
        var pending = existing is { } leaf ? new LeafChange(leaf.KeyHash, leaf.ValueHash, false) : (LeafChange?)null;
        foreach (var change in changes)
        {
            if (pending is { } p && p.KeyHash <= change.KeyHash)
            {
                if (p.KeyHash < change.KeyHash)
                {
                    merged.Add(p);
                }

                pending = null;
            }

            if (!change.Delete)
            {
                merged.Add(change);
            }
        }

        if (pending is { } last)
        {
            merged.Add(last);
        }

        return merged;
    }

    private static int SplitIndex(ReadOnlySpan<LeafChange> sorted, int depth)
    {
        var split = 0;
        while (split < sorted.Length && StateTreeHashing.Bit(sorted[split].KeyHash, depth) == 0)
        {
            split++;
        }

        return split;
    }

    private static Hash32 WithBit(in Hash32 sample, int depth, int bit)
    {
        Span<byte> bytes = stackalloc byte[Hash32.Size];
        sample.CopyTo(bytes);
        var mask = (byte)(0x80 >> (depth & 7));
        bytes[depth >> 3] = bit == 0 ? (byte)(bytes[depth >> 3] & ~mask) : (byte)(bytes[depth >> 3] | mask);
        return new Hash32(bytes);
    }

    /// <summary>A subtree after the update: either the stored node kept as is, or a new node not yet written.</summary>
    private readonly record struct Result(TreeNode Node, Hash32 Hash, bool Kept, NodeRef KeptRef, Hash32 Sample)
    {
        public NodeKind Kind => Kept ? KeptRef.Kind : Node.Kind;

        public bool IsEmpty => Kind == NodeKind.Empty;

        public static Result Keep(in NodeRef existing, in Hash32 sample) => new(default, existing.Hash, true, existing, sample);

        public static Result New(in TreeNode node, in Hash32 sample) => new(node, node.ComputeHash(), false, default, sample);
    }
}

/// <summary>Reads tree nodes by pointer and checks each against the hash its parent holds for it.</summary>
internal sealed class StateTreeReader(IKeyValueReader reader, NodeCache? cache)
{
    public TreeNode Read(in NodeRef pointer, int depth, in Hash32 pathSample)
    {
        Span<byte> key = stackalloc byte[StorageKeys.NodeKeySize];
        StorageKeys.WriteNodeKey(key, pointer.Version, depth, pathSample);
        var cacheKey = NodeKey.FromStorageKey(key);
        if (cache is not null && cache.TryGet(cacheKey, out var cached) && cached.Kind == pointer.Kind)
        {
            return cached;
        }

        var bytes = reader.Get(Column.StateNodes, key)
            ?? throw new StorageCorruptionException(
                $"State tree node of version {pointer.Version} at depth {depth} is missing (pruned or damaged).");
        var node = TreeNode.Decode(bytes);
        if (node.Kind != pointer.Kind || node.ComputeHash() != pointer.Hash)
        {
            throw new StorageCorruptionException(
                $"State tree node of version {pointer.Version} at depth {depth} does not match its hash.");
        }

        cache?.Add(cacheKey, node);
        return node;
    }
}

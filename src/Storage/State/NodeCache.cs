using GovChain.Core.Hashing;

namespace GovChain.Storage.State;

/// <summary>
/// A bounded cache of state-tree nodes. A node's key names the version that wrote it, so what
/// is stored under a key never changes: a cached node is never stale, and nothing needs to be
/// invalidated. Only nodes already checked against their hash (or just written) enter it.
/// Two generations approximate LRU: hits in the old one are promoted, and when the young one
/// fills up it becomes the old one — at most <see cref="Capacity"/> nodes are held.
/// </summary>
internal sealed class NodeCache
{
    private readonly Lock _lock = new();
    private readonly int _generationSize;
    private Dictionary<NodeKey, TreeNode> _young;
    private Dictionary<NodeKey, TreeNode> _old;

    public NodeCache(int capacity)
    {
        Capacity = capacity;
        _generationSize = Math.Max(1, capacity / 2);
        _young = new Dictionary<NodeKey, TreeNode>(_generationSize);
        _old = [];
    }

    public int Capacity { get; }

    public bool TryGet(in NodeKey key, out TreeNode node)
    {
        lock (_lock)
        {
            if (_young.TryGetValue(key, out node))
            {
                return true;
            }

            if (_old.Remove(key, out node))
            {
                AddLocked(key, node);
                return true;
            }

            return false;
        }
    }

    public void Add(in NodeKey key, in TreeNode node)
    {
        lock (_lock)
        {
            AddLocked(key, node);
        }
    }

    private void AddLocked(in NodeKey key, in TreeNode node)
    {
        if (_young.Count >= _generationSize)
        {
            _old = _young;
            _young = new Dictionary<NodeKey, TreeNode>(_generationSize);
        }

        _young[key] = node;
    }
}

/// <summary>A node's identity: the version that wrote it, its depth and its path (bits below the depth zeroed).</summary>
internal readonly record struct NodeKey(ulong Version, int Depth, Hash32 Path)
{
    public static NodeKey FromStorageKey(ReadOnlySpan<byte> key) =>
        new(StorageKeys.ReadHeight(key), (key[8] << 8) | key[9], new Hash32(key[10..StorageKeys.NodeKeySize]));
}

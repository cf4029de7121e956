using System.Buffers.Binary;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.State;

namespace GovChain.Contracts.Tests.Support;

/// <summary>An in-memory committed state for unit tests, with a deterministic root over its sorted entries.</summary>
public sealed class MemoryState : IStateReader
{
    private readonly SortedDictionary<byte[], byte[]> _entries = new(ByteArrayComparer.Instance);

    public int Count => _entries.Count;

    public byte[]? Get(ReadOnlySpan<byte> key) => _entries.TryGetValue(key.ToArray(), out var value) ? value : null;

    public void Apply(StateChanges changes)
    {
        foreach (var change in changes.Sorted())
        {
            if (change.Value is null)
            {
                _entries.Remove(change.Key);
            }
            else
            {
                _entries[change.Key] = change.Value;
            }
        }
    }

    public MemoryState Clone()
    {
        var copy = new MemoryState();
        foreach (var (k, v) in _entries)
        {
            copy._entries[k] = v;
        }

        return copy;
    }

    /// <summary>RFC 6962 root over length-prefixed key/value leaves in key order.</summary>
    public Hash32 Root() => RootOf(_entries.Select(e => (e.Key, (byte[]?)e.Value)));

    public static Hash32 RootOf(StateChanges changes) => RootOf(changes.Sorted().Select(c => (c.Key, c.Value)));

    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries => _entries;

    private static Hash32 RootOf(IEnumerable<(byte[] Key, byte[]? Value)> entries)
    {
        var leaves = new List<byte[]>();
        foreach (var (key, value) in entries)
        {
            var v = value ?? [];
            var leaf = new byte[4 + key.Length + 1 + v.Length];
            BinaryPrimitives.WriteInt32BigEndian(leaf, key.Length);
            key.CopyTo(leaf, 4);
            leaf[4 + key.Length] = value is null ? (byte)0 : (byte)1;
            v.CopyTo(leaf, 5 + key.Length);
            leaves.Add(leaf);
        }

        return MerkleTree.RootOfData(leaves);
    }
}

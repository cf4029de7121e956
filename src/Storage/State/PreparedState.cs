using GovChain.Core.Hashing;

namespace GovChain.Storage.State;

/// <summary>
/// A block's state changes applied speculatively on top of the last committed state: the
/// root the block's header must carry, and everything the commit will write — computed once,
/// so committing does not recompute it. Preparing changes nothing in the store; a prepared
/// update that is never committed (a proposal that lost its round) is simply dropped.
/// </summary>
public sealed class PreparedState
{
    internal PreparedState(
        object owner,
        ulong height,
        Hash32 baseRoot,
        NodeRef root,
        int changeCount,
        List<(byte[] Key, byte[] Value)> nodeWrites,
        List<(byte[] Key, byte[] Value)> valueWrites,
        List<byte[]> staleKeys,
        List<(byte[] Key, byte[]? Value)> changed)
    {
        Owner = owner;
        Height = height;
        BaseRoot = baseRoot;
        RootRef = root;
        ChangeCount = changeCount;
        NodeWrites = nodeWrites;
        ValueWrites = valueWrites;
        StaleKeys = staleKeys;
        Changed = changed;
    }

    /// <summary>The height these changes are for.</summary>
    public ulong Height { get; }

    /// <summary>The state root after the changes: what the block header's state_root must be.</summary>
    public Hash32 Root => RootRef.Hash;

    /// <summary>The root the changes were applied to (the state after <see cref="Height"/> - 1).</summary>
    public Hash32 BaseRoot { get; }

    /// <summary>Keys whose value actually changes (writes of an unchanged value and deletes of absent keys are dropped).</summary>
    public int ChangeCount { get; }

    internal object Owner { get; }

    internal NodeRef RootRef { get; }

    internal List<(byte[] Key, byte[] Value)> NodeWrites { get; }

    internal List<(byte[] Key, byte[] Value)> ValueWrites { get; }

    /// <summary>Stale-index keys (see <see cref="StorageKeys.StaleKey"/>) for what these changes replace.</summary>
    internal List<byte[]> StaleKeys { get; }

    /// <summary>Each changed key with its new value (null when deleted), for the value cache once committed.</summary>
    internal List<(byte[] Key, byte[]? Value)> Changed { get; }
}

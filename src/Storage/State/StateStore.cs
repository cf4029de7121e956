using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Storage.Engine;

namespace GovChain.Storage.State;

/// <summary>
/// The state over a key-value engine: a value history (key hash, inverted version) for reads
/// at any kept height, the compact sparse Merkle tree's nodes keyed by (version, depth, path)
/// for roots and proofs, one root pointer per height, and a stale index telling pruning what
/// each height made obsolete.
/// </summary>
internal sealed partial class StateStore : IStateStore
{
    /// <summary>Most changed keys one block may carry; bounds the write batch.</summary>
    public const int MaxChangesPerBlock = 100_000;

    /// <summary>Most stale records one commit deletes; the rest wait for the next commits.</summary>
    public const int MaxPruneDeletesPerCommit = 50_000;

    /// <summary>State-tree nodes kept in memory (about 200 bytes each): the upper levels of the tree, hot on every update and proof.</summary>
    public const int NodeCacheCapacity = 200_000;

    /// <summary>Newest values of recently used keys kept in memory (entries, and bytes of keys and values).</summary>
    public const int ValueCacheEntries = 200_000;
    public const long ValueCacheBytes = 64L * 1024 * 1024;

    private readonly IKeyValueStore _kv;
    private readonly StorageOptions _options;
    private readonly Lock _commitLock;
    private readonly NodeCache _nodes = new(NodeCacheCapacity);
    private readonly StateValueCache _values = new(ValueCacheEntries, ValueCacheBytes);
    private NodeRef _root;
    private ulong _height;
    private ulong _oldest;
    private bool _genesisWritten;

    public StateStore(IKeyValueStore kv, StorageOptions options, Lock commitLock, ulong lastHeight)
    {
        _kv = kv;
        _options = options;
        _commitLock = commitLock;
        _height = lastHeight;
        var oldest = kv.Get(Column.Meta, StorageKeys.OldestStateHeight);
        _oldest = oldest is null ? 0 : StorageKeys.ReadHeight(oldest);
        var root = kv.Get(Column.StateRoots, StorageKeys.Height(lastHeight));
        _genesisWritten = lastHeight > 0 || root is not null;
        _root = root is null ? (lastHeight == 0 ? NodeRef.Empty : throw Missing(lastHeight)) : DecodeRoot(root);
        if (_genesisWritten)
        {
            _values.Commit(lastHeight, []);
        }
    }

    public ulong Height => Volatile.Read(ref _height);

    public Hash32 Root
    {
        get
        {
            // NodeRef is wider than a word; read it under the lock a commit writes it under.
            lock (_commitLock)
            {
                return _root.Hash;
            }
        }
    }

    public ulong OldestHeight => Volatile.Read(ref _oldest);

    public bool HasGenesis => Volatile.Read(ref _genesisWritten);

    public Hash32 GetRoot(ulong height)
    {
        CheckReadable(height);
        var root = RootAt(_kv, height).Hash;
        CheckReadable(height);
        return root;
    }

    public IStateReader At(ulong height)
    {
        CheckReadable(height);
        return new StateReaderAt(this, height);
    }

    public IStateReader Latest() => At(Height);

    public PreparedState Prepare(ulong height, StateChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count > MaxChangesPerBlock)
        {
            throw new StorageException($"A block may change at most {MaxChangesPerBlock} keys; got {changes.Count}.");
        }

        using var snapshot = _kv.OpenSnapshot();
        var last = Height;
        if (height == 0)
        {
            // Preparing writes nothing: only the commit is once (WriteCommit refuses a second).
            if (last != 0)
            {
                throw new StorageException($"The genesis state is prepared on a database without blocks; this one is at height {last}.");
            }
        }
        else if (height != last + 1)
        {
            throw new StorageException($"Cannot prepare the state of height {height}: the last committed height is {last}.");
        }

        var baseRoot = height == 0 ? NodeRef.Empty : RootAt(snapshot, last);
        var leafChanges = new List<LeafChange>(changes.Count);
        var valueWrites = new List<(byte[] Key, byte[] Value)>(changes.Count);
        var changed = new List<(byte[] Key, byte[]? Value)>(changes.Count);
        var staleKeys = new List<byte[]>();
        using (var cursor = snapshot.OpenCursor(Column.StateValues))
        {
            foreach (var change in changes.Sorted())
            {
                Validate(change);
                var keyHash = StateTreeHashing.KeyHash(change.Key);
                var current = height == 0 ? null : ReadLatest(cursor, keyHash, change.Key, last);
                if (current?.Value is null ? change.Value is null : change.Value is not null && current.Value.Value.AsSpan().SequenceEqual(change.Value))
                {
                    continue;
                }

                if (current is { } replaced && _options.KeepRecentHeights > 0)
                {
                    staleKeys.Add(StorageKeys.StaleKey(height, StorageKeys.StaleValue, StorageKeys.ValueKey(keyHash, replaced.Version)));
                }

                valueWrites.Add((StorageKeys.ValueKey(keyHash, height), ValueRecord.Encode(change.Key, change.Value)));
                changed.Add(((byte[])change.Key.Clone(), (byte[]?)change.Value?.Clone()));
                leafChanges.Add(change.Value is null
                    ? new LeafChange(keyHash, default, true)
                    : new LeafChange(keyHash, StateTreeHashing.ValueHash(change.Value), false));
            }
        }

        leafChanges.Sort((a, b) => a.KeyHash.CompareTo(b.KeyHash));
        var update = new StateTreeUpdate(snapshot, _nodes, height);
        var newRoot = update.Apply(baseRoot, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(leafChanges));
        // The stale index only serves pruning: a database that keeps every height does not write
        // it (for a block of 1,000 transactions it is thousands of records, more than the block).
        if (_options.KeepRecentHeights > 0)
        {
            foreach (var node in update.StaleNodes)
            {
                staleKeys.Add(StorageKeys.StaleKey(height, StorageKeys.StaleNode, node));
            }
        }

        StorageMetrics.StatePrepared(leafChanges.Count);
        return new PreparedState(this, height, baseRoot.Hash, newRoot, leafChanges.Count, update.NodeWrites, valueWrites, staleKeys, changed);
    }

    public void CommitGenesis(PreparedState genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        if (genesis.Height != 0)
        {
            throw new StorageException("CommitGenesis takes the state prepared at height 0; blocks commit through the block store.");
        }

        lock (_commitLock)
        {
            using var batch = _kv.CreateBatch();
            var commit = WriteCommit(batch, genesis);
            _kv.Write(batch, _options.SyncWrites);
            ApplyCommitted(commit);
        }
    }

    /// <summary>Adds a prepared update (and the pruning it makes due) to a block's batch; the caller holds the commit lock.</summary>
    internal PendingCommit WriteCommit(IKeyValueBatch batch, PreparedState prepared)
    {
        if (!ReferenceEquals(prepared.Owner, this))
        {
            throw new StorageException("The prepared state belongs to another database.");
        }

        // Height 0 is the genesis state, allowed once on a fresh database; blocks may also start without one.
        var fits = prepared.Height == 0 ? !_genesisWritten && _height == 0 : prepared.Height == _height + 1;
        if (!fits || prepared.BaseRoot != _root.Hash)
        {
            throw new StorageException(
                $"The prepared state (height {prepared.Height}) is stale: the state is now at height {_height}; prepare it again.");
        }

        foreach (var (key, value) in prepared.NodeWrites)
        {
            batch.Put(Column.StateNodes, key, value);
        }

        foreach (var (key, value) in prepared.ValueWrites)
        {
            batch.Put(Column.StateValues, key, value);
        }

        foreach (var key in prepared.StaleKeys)
        {
            batch.Put(Column.StateStale, key, []);
        }

        Span<byte> root = stackalloc byte[NodeRef.Size];
        prepared.RootRef.Write(root);
        batch.Put(Column.StateRoots, StorageKeys.Height(prepared.Height), root);

        var oldest = _oldest;
        if (_options.KeepRecentHeights > 0 && prepared.Height + 1 > (ulong)_options.KeepRecentHeights)
        {
            var newOldest = prepared.Height + 1 - (ulong)_options.KeepRecentHeights;
            if (newOldest > oldest)
            {
                Prune(batch, oldest, newOldest);
                oldest = newOldest;
            }
        }

        return new PendingCommit(prepared.Height, prepared.RootRef, oldest, prepared.NodeWrites, prepared.Changed);
    }

    /// <summary>Makes a written commit visible to readers; called after the batch reached the store.</summary>
    internal void ApplyCommitted(in PendingCommit commit)
    {
        // The nodes just written are the ones the next block and the next proofs read first.
        foreach (var (key, value) in commit.Nodes)
        {
            _nodes.Add(NodeKey.FromStorageKey(key), TreeNode.Decode(value));
        }

        // Before the height is published: a reader of the new height must find the new values.
        _values.Commit(commit.Height, commit.Changed);
        _root = commit.Root;
        _genesisWritten = true;
        Volatile.Write(ref _oldest, commit.Oldest);
        Volatile.Write(ref _height, commit.Height);
    }

    internal readonly record struct PendingCommit(
        ulong Height, NodeRef Root, ulong Oldest, List<(byte[] Key, byte[] Value)> Nodes, List<(byte[] Key, byte[]? Value)> Changed);

    private void Prune(IKeyValueBatch batch, ulong oldest, ulong newOldest)
    {
        using var cursor = _kv.OpenCursor(Column.StateStale);
        cursor.SeekToFirst();
        var deleted = 0;
        while (deleted < MaxPruneDeletesPerCommit && cursor.Valid)
        {
            var key = cursor.Key;
            if (key.Length < 9 || StorageKeys.ReadHeight(key) > newOldest)
            {
                break;
            }

            var target = key[9] == StorageKeys.StaleNode ? Column.StateNodes : Column.StateValues;
            batch.Delete(target, key[9..]);
            batch.Delete(Column.StateStale, key);
            deleted++;
            cursor.Next();
        }

        batch.DeleteRange(Column.StateRoots, StorageKeys.Height(oldest), StorageKeys.Height(newOldest));
        batch.Put(Column.Meta, StorageKeys.OldestStateHeight, StorageKeys.Height(newOldest));
        StorageMetrics.Pruned(deleted);
    }

    private void CheckReadable(ulong height)
    {
        var last = Height;
        if (height > last)
        {
            throw new StorageException($"The state at height {height} does not exist yet: the last committed height is {last}.");
        }

        var oldest = OldestHeight;
        if (height < oldest)
        {
            throw new StorageException($"The state at height {height} has been pruned: the oldest kept height is {oldest}.");
        }
    }

    private static NodeRef RootAt(IKeyValueReader reader, ulong height)
    {
        var root = reader.Get(Column.StateRoots, StorageKeys.Height(height));
        return root is not null ? DecodeRoot(root) : height == 0 ? NodeRef.Empty : throw Missing(height);
    }

    private static NodeRef DecodeRoot(byte[] bytes) =>
        bytes.Length == NodeRef.Size ? NodeRef.Read(bytes) : throw new StorageCorruptionException("A state root pointer is malformed.");

    private static StorageCorruptionException Missing(ulong height) =>
        new($"The state root of height {height} is missing.");

    private static void Validate(StateChange change)
    {
        if (change.Key.Length is 0 or > StateTreeHashing.MaxKeyBytes)
        {
            throw new StorageException($"A state key must be 1 to {StateTreeHashing.MaxKeyBytes} bytes; got {change.Key.Length}.");
        }

        if (change.Value is { Length: > StateTreeHashing.MaxValueBytes })
        {
            throw new StorageException($"A state value may be at most {StateTreeHashing.MaxValueBytes} bytes; got {change.Value.Length}.");
        }
    }
}

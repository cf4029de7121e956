using System.Runtime.InteropServices;

namespace GovChain.Storage.State;

/// <summary>
/// The newest committed version of recently used state keys, so that reading the latest state
/// (what every transaction of a block does for its sender's nonce and its records) costs a
/// dictionary lookup instead of a RocksDB iterator and seek.
/// </summary>
/// <remarks>
/// Invariant: every entry holds the newest version of its key as of <see cref="Height"/> — the
/// value (null when deleted or never written) and the height that wrote it. A read at height
/// h ≤ <see cref="Height"/> may use an entry whose version is ≤ h (no newer version exists, so
/// none between it and h); any other read goes to the store. A commit replaces the entries of
/// every key it changes and advances <see cref="Height"/> under the same lock, before the new
/// height is visible to readers; a value read from the store is cached only if no commit
/// happened since the height it was read at, so a slow reader never puts back an old value.
/// Values are copied in and out: a caller mutating its array cannot change the cache.
/// Two generations approximate LRU within a bound on entries and on value bytes.
/// </remarks>
internal sealed class StateValueCache
{
    private readonly Lock _lock = new();
    private readonly int _generationEntries;
    private readonly long _generationBytes;
    private Dictionary<byte[], Entry> _young;
    private Dictionary<byte[], Entry> _old;
    private long _youngBytes;
    private ulong _height;
    private bool _hasHeight;

    public StateValueCache(int maxEntries, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 2);
        _generationEntries = maxEntries / 2;
        _generationBytes = maxBytes / 2;
        _young = new Dictionary<byte[], Entry>(ByteArrayKeyComparer.Instance);
        _old = new Dictionary<byte[], Entry>(ByteArrayKeyComparer.Instance);
    }

    /// <summary>The committed height the entries are current at; null before the first commit is applied.</summary>
    public ulong? Height
    {
        get
        {
            lock (_lock)
            {
                return _hasHeight ? _height : null;
            }
        }
    }

    /// <summary>Entries held (both generations).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _young.Count + _old.Count;
            }
        }
    }

    /// <summary>
    /// The value of <paramref name="key"/> at <paramref name="height"/> and the version that wrote
    /// it, when the cache can answer for that height; false sends the caller to the store.
    /// </summary>
    public bool TryGet(ReadOnlySpan<byte> key, ulong height, out ulong version, out byte[]? value)
    {
        lock (_lock)
        {
            if (_hasHeight && height <= _height && TryFindLocked(key, out var entry) && entry.Version <= height)
            {
                version = entry.Version;
                value = entry.Value?.Clone() as byte[];
                return true;
            }
        }

        version = 0;
        value = null;
        return false;
    }

    /// <summary>
    /// Offers what the store answered for <paramref name="key"/> at <paramref name="height"/>
    /// (the newest version at or below it); kept only when that is still the newest height.
    /// </summary>
    public void Offer(ReadOnlySpan<byte> key, ulong height, ulong version, byte[]? value)
    {
        lock (_lock)
        {
            if (_hasHeight && height == _height)
            {
                SetLocked(key.ToArray(), new Entry(version, value is null ? null : (byte[])value.Clone()));
            }
        }
    }

    /// <summary>
    /// Records a committed height: the new newest version of every key it changed. Called after
    /// the write reached the store and before readers can see the height.
    /// </summary>
    public void Commit(ulong height, IReadOnlyList<(byte[] Key, byte[]? Value)> changed)
    {
        lock (_lock)
        {
            if (_hasHeight && height != _height + 1)
            {
                // Not the next height (cannot happen through the stores): start over rather than guess.
                ClearLocked();
            }

            foreach (var (key, value) in changed)
            {
                SetLocked(key, new Entry(height, value));
            }

            _height = height;
            _hasHeight = true;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            ClearLocked();
        }
    }

    private bool TryFindLocked(ReadOnlySpan<byte> key, out Entry entry)
    {
        var young = _young.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (young.TryGetValue(key, out entry))
        {
            return true;
        }

        var old = _old.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (old.Remove(key, out var storedKey, out entry))
        {
            SetLocked(storedKey, entry);
            return true;
        }

        return false;
    }

    private void SetLocked(byte[] key, Entry entry)
    {
        _old.Remove(key);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_young, key, out var existed);
        if (existed)
        {
            _youngBytes -= slot.Bytes(key);
        }

        slot = entry;
        _youngBytes += entry.Bytes(key);
        if (_young.Count >= _generationEntries || _youngBytes >= _generationBytes)
        {
            _old = _young;
            _young = new Dictionary<byte[], Entry>(ByteArrayKeyComparer.Instance);
            _youngBytes = 0;
        }
    }

    private void ClearLocked()
    {
        _young.Clear();
        _old.Clear();
        _youngBytes = 0;
        _hasHeight = false;
    }

    private readonly record struct Entry(ulong Version, byte[]? Value)
    {
        // Key, value and the dictionary's own overhead, roughly.
        public long Bytes(byte[] key) => key.Length + (Value?.Length ?? 0) + 64;
    }
}

/// <summary>Compares byte arrays by content, and looks them up by span without allocating.</summary>
internal sealed class ByteArrayKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayKeyComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = default(HashCode);
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}

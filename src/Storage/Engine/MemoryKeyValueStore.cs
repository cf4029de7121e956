using System.Collections.Immutable;

namespace GovChain.Storage.Engine;

/// <summary>
/// The in-memory engine, for tests and simulations: each column is an immutable sorted set,
/// so a batch is applied by swapping in new versions under a lock, and a snapshot or cursor
/// is just the versions it captured — readers never see half a batch.
/// </summary>
internal sealed class MemoryKeyValueStore : IKeyValueStore
{
    private readonly Lock _writeLock = new();
    private ImmutableSortedSet<MemoryEntry>[] _columns;
    private bool _disposed;

    public MemoryKeyValueStore()
    {
        _columns = Columns.All.Select(_ => ImmutableSortedSet.Create(MemoryEntry.KeyOrder)).ToArray();
    }

    public byte[]? Get(Column column, ReadOnlySpan<byte> key) => Read(Volatile.Read(ref _columns), column, key);

    public IKeyValueCursor OpenCursor(Column column)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new MemoryCursor(Volatile.Read(ref _columns)[(int)column]);
    }

    public IKeyValueBatch CreateBatch() => new MemoryWriteBatch();

    public void Write(IKeyValueBatch batch, bool sync)
    {
        if (batch is not MemoryWriteBatch memory)
        {
            throw new ArgumentException("The batch was not created by an in-memory store.", nameof(batch));
        }

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _columns;
            var builders = new ImmutableSortedSet<MemoryEntry>.Builder?[current.Length];
            foreach (var op in memory.Operations)
            {
                var builder = builders[(int)op.Column] ??= current[(int)op.Column].ToBuilder();
                switch (op.Kind)
                {
                    case MemoryWriteBatch.OpKind.Put:
                        builder.Remove(new MemoryEntry(op.Key, []));
                        builder.Add(new MemoryEntry(op.Key, op.Value));
                        break;
                    case MemoryWriteBatch.OpKind.Delete:
                        builder.Remove(new MemoryEntry(op.Key, []));
                        break;
                    case MemoryWriteBatch.OpKind.DeleteRange:
                        var frozen = builder.ToImmutable();
                        var first = frozen.IndexOf(new MemoryEntry(op.Key, []));
                        first = first >= 0 ? first : ~first;
                        for (var i = first; i < frozen.Count && frozen[i].Key.AsSpan().SequenceCompareTo(op.Value) < 0; i++)
                        {
                            builder.Remove(frozen[i]);
                        }

                        break;
                }
            }

            var next = (ImmutableSortedSet<MemoryEntry>[])current.Clone();
            for (var i = 0; i < builders.Length; i++)
            {
                if (builders[i] is { } b)
                {
                    next[i] = b.ToImmutable();
                }
            }

            Volatile.Write(ref _columns, next);
        }
    }

    public IKeyValueSnapshot OpenSnapshot() => new MemorySnapshot(Volatile.Read(ref _columns));

    public void Dispose()
    {
        lock (_writeLock)
        {
            _disposed = true;
        }
    }

    private static byte[]? Read(ImmutableSortedSet<MemoryEntry>[] columns, Column column, ReadOnlySpan<byte> key) =>
        columns[(int)column].TryGetValue(new MemoryEntry(key.ToArray(), []), out var found) ? (byte[])found.Value.Clone() : null;

    private sealed class MemorySnapshot(ImmutableSortedSet<MemoryEntry>[] columns) : IKeyValueSnapshot
    {
        public byte[]? Get(Column column, ReadOnlySpan<byte> key) => Read(columns, column, key);

        public IKeyValueCursor OpenCursor(Column column) => new MemoryCursor(columns[(int)column]);

        public void Dispose()
        {
        }
    }
}

internal sealed record MemoryEntry(byte[] Key, byte[] Value)
{
    public static readonly IComparer<MemoryEntry> KeyOrder =
        Comparer<MemoryEntry>.Create((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
}

/// <summary>A cursor over one captured version of a column; positions by index in the sorted set.</summary>
internal sealed class MemoryCursor(ImmutableSortedSet<MemoryEntry> set) : IKeyValueCursor
{
    private int _index = -1;

    public bool Valid => _index >= 0 && _index < set.Count;

    public ReadOnlySpan<byte> Key => set[_index].Key;

    public ReadOnlySpan<byte> Value => set[_index].Value;

    public void Seek(ReadOnlySpan<byte> key)
    {
        var i = set.IndexOf(new MemoryEntry(key.ToArray(), []));
        _index = i >= 0 ? i : ~i;
    }

    public void SeekToFirst() => _index = 0;

    public void Next() => _index++;

    public void Dispose()
    {
    }
}

using GovChain.Storage.Engine;

namespace GovChain.Storage.Wal;

/// <summary>One record of the consensus WAL: opaque bytes the consensus driver wrote for a height.</summary>
public sealed record WalRecord(ulong Height, ulong Sequence, ReadOnlyMemory<byte> Payload);

/// <summary>
/// The consensus write-ahead log: what a validator is about to do (a vote it signed, a
/// proposal it made) is appended and synced before it is acted on, replayed after a restart,
/// and truncated once a committed height makes it obsolete.
/// </summary>
public interface IConsensusWal
{
    /// <summary>Largest record accepted.</summary>
    public const int MaxRecordBytes = 16 * 1024 * 1024;

    /// <summary>Most records kept at once; a driver that truncates after each commit never comes near it.</summary>
    public const int MaxRecords = 1_000_000;

    int Count { get; }

    /// <summary>Appends a record and returns once it is on stable storage (always synced, whatever the store's options).</summary>
    WalRecord Append(ulong height, ReadOnlySpan<byte> payload);

    /// <summary>Every record, by height then append order.</summary>
    IReadOnlyList<WalRecord> ReadAll();

    /// <summary>Removes every record of a height below <paramref name="height"/>.</summary>
    void TruncateBelow(ulong height);
}

internal sealed class ConsensusWal : IConsensusWal
{
    private readonly IKeyValueStore _kv;
    private readonly Lock _lock = new();
    private ulong _nextSequence;
    private int _count;

    public ConsensusWal(IKeyValueStore kv)
    {
        _kv = kv;
        using var cursor = kv.OpenCursor(Column.ConsensusWal);
        for (cursor.SeekToFirst(); cursor.Valid; cursor.Next())
        {
            var (_, sequence) = ReadKey(cursor.Key);
            _nextSequence = Math.Max(_nextSequence, sequence + 1);
            _count++;
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public WalRecord Append(ulong height, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > IConsensusWal.MaxRecordBytes)
        {
            throw new StorageException($"A WAL record may be at most {IConsensusWal.MaxRecordBytes} bytes; got {payload.Length}.");
        }

        lock (_lock)
        {
            if (_count >= IConsensusWal.MaxRecords)
            {
                throw new StorageException($"The consensus WAL holds {_count} records; truncate it after commits.");
            }

            var sequence = _nextSequence;
            using var batch = _kv.CreateBatch();
            batch.Put(Column.ConsensusWal, StorageKeys.WalKey(height, sequence), payload);
            _kv.Write(batch, sync: true);
            _nextSequence++;
            _count++;
            StorageMetrics.WalAppended();
            return new WalRecord(height, sequence, payload.ToArray());
        }
    }

    public IReadOnlyList<WalRecord> ReadAll()
    {
        var records = new List<WalRecord>();
        using var cursor = _kv.OpenCursor(Column.ConsensusWal);
        for (cursor.SeekToFirst(); cursor.Valid; cursor.Next())
        {
            var (height, sequence) = ReadKey(cursor.Key);
            records.Add(new WalRecord(height, sequence, cursor.Value.ToArray()));
        }

        return records;
    }

    public void TruncateBelow(ulong height)
    {
        lock (_lock)
        {
            var removed = 0;
            using (var cursor = _kv.OpenCursor(Column.ConsensusWal))
            {
                for (cursor.SeekToFirst(); cursor.Valid && ReadKey(cursor.Key).Height < height; cursor.Next())
                {
                    removed++;
                }
            }

            if (removed == 0)
            {
                return;
            }

            using var batch = _kv.CreateBatch();
            batch.DeleteRange(Column.ConsensusWal, StorageKeys.WalKey(0, 0), StorageKeys.WalKey(height, 0));
            _kv.Write(batch, sync: true);
            _count -= removed;
        }
    }

    private static (ulong Height, ulong Sequence) ReadKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != 16)
        {
            throw new StorageCorruptionException("A consensus WAL key is malformed.");
        }

        return (StorageKeys.ReadHeight(key), StorageKeys.ReadHeight(key[8..]));
    }
}

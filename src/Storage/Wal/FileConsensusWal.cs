using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace GovChain.Storage.Wal;

/// <summary>
/// The consensus WAL of a database on disk: one append-only file of framed records, each
/// synced before <see cref="Append"/> returns. Its own file rather than a RocksDB column, so
/// that what a damaged log means is decided here, record by record: RocksDB's point-in-time
/// recovery would stop replaying at a damaged record and silently drop every vote signed after it.
/// </summary>
/// <remarks>
/// Layout (big-endian): the 8-byte magic <c>GOVCWAL1</c>, then records of
/// <c>u32 body length | 8-byte checksum (first bytes of SHA-256 of the body) | body</c> where
/// the body is <c>u64 height | u64 sequence | payload</c>. At open the file is read whole:
/// <list type="bullet">
/// <item>a record that fails its length or checksum check, or breaks the sequence order, while a
/// complete valid record follows anywhere after it, is corruption: the open fails naming the file
/// and the offset (a validator that forgot a vote it signed could sign a different one);</item>
/// <item>an incomplete final record (fewer bytes than its header, a length running past the end
/// of the file, or only zero bytes left, as a crash during an append leaves) is a torn tail: that
/// append never returned, so nothing was acted on; it is cut off and logged;</item>
/// <item>a complete final record that fails its checksum is corruption too.</item>
/// </list>
/// </remarks>
internal sealed partial class FileConsensusWal : IConsensusWal, IDisposable
{
    public const string FileName = "consensus.wal";

    internal const int MagicSize = 8;
    internal const int RecordHeaderSize = 4 + Checksummed.Size;
    internal const int BodyHeaderSize = 16;

    private static ReadOnlySpan<byte> Magic => "GOVCWAL1"u8;

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private FileStream _file;
    private ulong _nextSequence;

    private FileConsensusWal(string path, FileStream file, ILogger logger)
    {
        _path = path;
        _file = file;
        _logger = logger;
    }

    public string Path => _path;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Opens (or creates) the WAL file; throws <see cref="StorageCorruptionException"/> when it is damaged.</summary>
    public static FileConsensusWal Open(string path, ILogger logger)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        try
        {
            var wal = new FileConsensusWal(path, file, logger);
            wal.Load();
            return wal;
        }
        catch
        {
            file.Dispose();
            throw;
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
            if (_entries.Count >= IConsensusWal.MaxRecords)
            {
                throw new StorageException($"The consensus WAL holds {_entries.Count} records; truncate it after commits.");
            }

            var sequence = _nextSequence;
            var frame = Frame(height, sequence, payload);
            var offset = _file.Length;
            try
            {
                _file.Position = offset;
                _file.Write(frame);
                _file.Flush(flushToDisk: true);
            }
            catch (IOException ex)
            {
                // A part written before the failure (a full disk) would sit in the middle of the
                // log once a later append succeeds: cut it off now, while it is still the tail.
                try
                {
                    _file.SetLength(offset);
                }
                catch (IOException)
                {
                    // Left as a torn tail: the next open cuts it off.
                }

                throw new StorageException($"Cannot append to the consensus WAL {_path}: {ex.Message}", ex);
            }

            _entries.Add(new Entry(height, sequence, offset + RecordHeaderSize + BodyHeaderSize, payload.Length));
            _nextSequence++;
            StorageMetrics.WalAppended();
            return new WalRecord(height, sequence, payload.ToArray());
        }
    }

    public IReadOnlyList<WalRecord> ReadAll()
    {
        lock (_lock)
        {
            var records = new List<WalRecord>(_entries.Count);
            foreach (var entry in Ordered())
            {
                records.Add(new WalRecord(entry.Height, entry.Sequence, ReadPayload(entry)));
            }

            return records;
        }
    }

    public void TruncateBelow(ulong height)
    {
        lock (_lock)
        {
            var kept = _entries.Where(e => e.Height >= height).ToList();
            if (kept.Count == _entries.Count)
            {
                return;
            }

            try
            {
                if (kept.Count == 0)
                {
                    // The usual case after a commit: every record is of the committed height or below.
                    _file.SetLength(MagicSize);
                    _file.Flush(flushToDisk: true);
                    _entries.Clear();
                    return;
                }

                Rewrite(kept);
            }
            catch (IOException ex)
            {
                throw new StorageException($"Cannot truncate the consensus WAL {_path}: {ex.Message}", ex);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file.Dispose();
        }
    }

    internal static byte[] Frame(ulong height, ulong sequence, ReadOnlySpan<byte> payload)
    {
        var bodyLength = BodyHeaderSize + payload.Length;
        var frame = new byte[RecordHeaderSize + bodyLength];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)bodyLength);
        var body = frame.AsSpan(RecordHeaderSize);
        BinaryPrimitives.WriteUInt64BigEndian(body, height);
        BinaryPrimitives.WriteUInt64BigEndian(body[8..], sequence);
        payload.CopyTo(body[BodyHeaderSize..]);
        Checksummed.Seal(frame.AsSpan(4));
        return frame;
    }

    private IEnumerable<Entry> Ordered() => _entries.OrderBy(e => e.Height).ThenBy(e => e.Sequence);

    private byte[] ReadPayload(Entry entry)
    {
        var payload = new byte[entry.Length];
        _file.Position = entry.PayloadOffset;
        _file.ReadExactly(payload);
        return payload;
    }

    // Written beside the log and renamed over it: a crash leaves either the old file (whose extra
    // records of lower heights replay ignores) or the new one, never half of one.
    private void Rewrite(List<Entry> kept)
    {
        var temporary = _path + ".tmp";
        var moved = new List<Entry>(kept.Count);
        using (var next = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            next.Write(Magic);
            foreach (var entry in kept)
            {
                var frame = Frame(entry.Height, entry.Sequence, ReadPayload(entry));
                moved.Add(entry with { PayloadOffset = next.Position + RecordHeaderSize + BodyHeaderSize });
                next.Write(frame);
            }

            next.Flush(flushToDisk: true);
        }

        _file.Dispose();
        File.Move(temporary, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        _entries.Clear();
        _entries.AddRange(moved);
    }

    private sealed record Entry(ulong Height, ulong Sequence, long PayloadOffset, int Length);
}

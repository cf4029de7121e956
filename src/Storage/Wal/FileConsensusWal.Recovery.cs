using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace GovChain.Storage.Wal;

/// <summary>Opening the WAL file: telling a torn tail (cut off) from damage (refused).</summary>
internal sealed partial class FileConsensusWal
{
    /// <summary>Largest WAL file read at open; a driver that truncates after each commit keeps it to one height's records.</summary>
    internal const long MaxFileBytes = 1L << 30;

    private void Load()
    {
        var length = _file.Length;
        if (length > MaxFileBytes)
        {
            throw new StorageCorruptionException($"The consensus WAL {_path} holds {length} bytes, more than the {MaxFileBytes} a node ever writes.");
        }

        var bytes = new byte[length];
        _file.Position = 0;
        _file.ReadExactly(bytes);
        if (length < MagicSize)
        {
            // A new file, or one whose header was being written when the node stopped.
            if (!bytes.AsSpan().SequenceEqual(Magic[..(int)length]))
            {
                throw new StorageCorruptionException($"The consensus WAL {_path} is damaged at offset 0: it does not start with the WAL header.");
            }

            _file.SetLength(0);
            _file.Write(Magic);
            _file.Flush(flushToDisk: true);
            return;
        }

        if (!bytes.AsSpan(0, MagicSize).SequenceEqual(Magic))
        {
            throw new StorageCorruptionException($"The consensus WAL {_path} is damaged at offset 0: it does not start with the WAL header.");
        }

        long offset = MagicSize;
        ulong? lastSequence = null;
        while (offset < length)
        {
            var check = Check(bytes, offset, lastSequence);
            if (check.Problem is null)
            {
                var body = bytes.AsSpan((int)offset + RecordHeaderSize, check.BodyLength);
                var height = BinaryPrimitives.ReadUInt64BigEndian(body);
                var sequence = BinaryPrimitives.ReadUInt64BigEndian(body[8..]);
                _entries.Add(new Entry(height, sequence, offset + RecordHeaderSize + BodyHeaderSize, check.BodyLength - BodyHeaderSize));
                lastSequence = sequence;
                offset += RecordHeaderSize + check.BodyLength;
                continue;
            }

            if (FindValidRecord(bytes, offset + 1, lastSequence) is { } next)
            {
                throw new StorageCorruptionException(
                    $"The consensus WAL {_path} is damaged at offset {offset}: {check.Problem}, and a complete record follows at offset {next}. " +
                    "The node will not start on a log that lost a vote it may have signed; restore the data directory from a backup, " +
                    "or resynchronise the node from its peers into an empty one.");
            }

            if (!check.Incomplete)
            {
                throw new StorageCorruptionException($"The consensus WAL {_path} is damaged at offset {offset}: its last record {check.Problem}.");
            }

            LogTornTail(_logger, _path, offset, length - offset, check.Problem);
            _file.SetLength(offset);
            _file.Flush(flushToDisk: true);
            break;
        }

        _nextSequence = lastSequence is { } last ? last + 1 : 0;
    }

    /// <summary>Checks the record at <paramref name="offset"/>: null problem when it is whole and valid; incomplete when what is left cannot be a whole record.</summary>
    private static RecordCheck Check(byte[] bytes, long offset, ulong? lastSequence)
    {
        var left = bytes.LongLength - offset;
        if (left < RecordHeaderSize)
        {
            return new RecordCheck(0, $"has {left} bytes, fewer than a record header", Incomplete: true);
        }

        var span = bytes.AsSpan((int)offset);
        if (span[..(int)Math.Min(left, int.MaxValue)].IndexOfAnyExcept((byte)0) < 0)
        {
            return new RecordCheck(0, $"is {left} zero bytes", Incomplete: true);
        }

        var bodyLength = BinaryPrimitives.ReadUInt32BigEndian(span);
        if (bodyLength < BodyHeaderSize || bodyLength > BodyHeaderSize + IConsensusWal.MaxRecordBytes)
        {
            return new RecordCheck(0, $"declares an impossible length of {bodyLength} bytes", Incomplete: false);
        }

        if (left - RecordHeaderSize < bodyLength)
        {
            return new RecordCheck(0, $"declares {bodyLength} bytes but only {left - RecordHeaderSize} follow", Incomplete: true);
        }

        var body = span.Slice(RecordHeaderSize, (int)bodyLength);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(body, digest);
        if (!digest[..Checksummed.Size].SequenceEqual(span.Slice(4, Checksummed.Size)))
        {
            return new RecordCheck((int)bodyLength, "fails its checksum", Incomplete: false);
        }

        var sequence = BinaryPrimitives.ReadUInt64BigEndian(body[8..]);
        return lastSequence is { } last && sequence <= last
            ? new RecordCheck((int)bodyLength, $"has sequence {sequence}, not after {last}", Incomplete: false)
            : new RecordCheck((int)bodyLength, null, Incomplete: false);
    }

    /// <summary>The offset of the first whole, valid record at or after <paramref name="from"/>, if any: what makes a bad record corruption rather than a torn tail.</summary>
    private static long? FindValidRecord(byte[] bytes, long from, ulong? lastSequence)
    {
        for (var offset = from; offset + RecordHeaderSize + BodyHeaderSize <= bytes.LongLength; offset++)
        {
            // Cheap length test first: only a plausible length is worth a hash.
            var bodyLength = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)offset));
            if (bodyLength < BodyHeaderSize || bodyLength > bytes.LongLength - offset - RecordHeaderSize)
            {
                continue;
            }

            if (Check(bytes, offset, lastSequence).Problem is null)
            {
                return offset;
            }
        }

        return null;
    }

    private readonly record struct RecordCheck(int BodyLength, string? Problem, bool Incomplete);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning,
        Message = "Consensus WAL {Path}: cut off a torn tail at offset {Offset} ({Bytes} bytes; the record there {Reason}), left by an append that never completed")]
    private static partial void LogTornTail(ILogger logger, string path, long offset, long bytes, string reason);
}

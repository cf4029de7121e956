using System.Buffers.Binary;
using System.Text;
using GovChain.Storage.CrashChild;
using GovChain.Storage.Engine;
using GovChain.Storage.Tests.Rocks;
using GovChain.Storage.Wal;

namespace GovChain.Storage.Tests.Wal;

/// <summary>
/// The consensus WAL file after a crash or damage: a torn tail (the last append never finished)
/// is cut off and logged; a damaged record followed by a valid one stops the open, naming the
/// file and the offset, so a validator never restarts having forgotten a vote it signed.
/// </summary>
[Collection(NativeResourceCollection.Name)]
public sealed class ConsensusWalFileTests : IDisposable
{
    // File layout, as FileConsensusWal documents it: 8-byte magic, then per record a 4-byte body
    // length, an 8-byte checksum and the body (height, sequence, payload).
    private const int Magic = 8;
    private const int RecordHeader = 12;
    private const int BodyHeader = 16;

    private readonly TempDirectory _temp = new();
    private readonly RecordingLogger _log = new();

    public void Dispose() => _temp.Dispose();

    private string Dir => _temp.Sub("db");

    private string WalFile => Path.Combine(Dir, "consensus.wal");

    private NodeDatabase Open() => NodeDatabase.Open(Dir, ChainWriter.ChainId, ChainWriter.GenesisHash, logger: _log);

    /// <summary>Writes three records of <paramref name="payloadBytes"/> bytes each at height 5 and returns their offsets in the file.</summary>
    private long[] WriteThree(int payloadBytes = 40)
    {
        using var db = Open();
        Assert.Equal(WalFile, db.ConsensusWalFile);
        for (var i = 0; i < 3; i++)
        {
            db.ConsensusWal.Append(5, Encoding.UTF8.GetBytes(new string((char)('a' + i), payloadBytes)));
        }

        var size = RecordHeader + BodyHeader + payloadBytes;
        return [Magic, Magic + size, Magic + (2 * size)];
    }

    private void Patch(long offset, params byte[] bytes)
    {
        using var file = new FileStream(WalFile, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(bytes);
    }

    [Fact]
    public void Open_RecordDamagedInTheMiddle_FailsNamingTheFileAndOffset()
    {
        var offsets = WriteThree();
        Patch(offsets[1] + RecordHeader + BodyHeader + 3, (byte)'X');

        var ex = Assert.Throws<StorageCorruptionException>(Open);
        Assert.Contains(WalFile, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {offsets[1]}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {offsets[2]}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_LengthDamagedInTheMiddle_IsCorruptionNotATornTail()
    {
        // A length running past the end of the file looks like an unfinished append, but a
        // whole record after it proves it is not the tail.
        var offsets = WriteThree();
        var huge = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(huge, 1_000_000);
        Patch(offsets[0], huge);

        var ex = Assert.Throws<StorageCorruptionException>(Open);
        Assert.Contains($"offset {offsets[0]}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3 * (RecordHeader + BodyHeader + 40) + Magic, new FileInfo(WalFile).Length);
    }

    [Fact]
    public void Open_CompleteLastRecordFailingItsChecksum_IsCorruption()
    {
        var offsets = WriteThree();
        Patch(offsets[2] + RecordHeader + BodyHeader, (byte)'X');

        var ex = Assert.Throws<StorageCorruptionException>(Open);
        Assert.Contains($"offset {offsets[2]}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(RecordHeader + 10)]
    public void Open_TornTail_IsCutOffAndLoggedAndTheLogGoesOn(int tornBytes)
    {
        var offsets = WriteThree();
        var torn = FileConsensusWal.Frame(5, 3, new byte[40]).AsSpan(0, tornBytes).ToArray();
        var end = new FileInfo(WalFile).Length;
        Patch(end, torn);

        using (var db = Open())
        {
            Assert.Equal(3, db.ConsensusWal.Count);
            Assert.Equal(end, new FileInfo(WalFile).Length);
            Assert.Contains(_log.Entries.Select(e => e.Message), l => l.Contains("torn tail", StringComparison.Ordinal) && l.Contains($"offset {end}", StringComparison.Ordinal));
            db.ConsensusWal.Append(6, "after the crash"u8);
        }

        using var reopened = Open();
        var records = reopened.ConsensusWal.ReadAll();
        Assert.Equal(4, records.Count);
        Assert.Equal("after the crash", Encoding.UTF8.GetString(records[3].Payload.Span));
        Assert.True(records[3].Sequence > records[2].Sequence);
        Assert.Equal(offsets.Length, records.Count(r => r.Height == 5));
    }

    [Fact]
    public void Open_ZeroFilledTail_IsCutOff()
    {
        WriteThree();
        var end = new FileInfo(WalFile).Length;
        Patch(end, new byte[4096]);

        using var db = Open();
        Assert.Equal(3, db.ConsensusWal.Count);
        Assert.Equal(end, new FileInfo(WalFile).Length);
    }

    [Fact]
    public void Open_DamagedHeader_IsCorruption()
    {
        WriteThree();
        Patch(0, (byte)'X');

        var ex = Assert.Throws<StorageCorruptionException>(Open);
        Assert.Contains("offset 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncateBelow_KeepingLaterHeights_RewritesTheFileAndSurvivesReopen()
    {
        using (var db = Open())
        {
            db.ConsensusWal.Append(5, "vote 5"u8);
            db.ConsensusWal.Append(6, "vote 6"u8);
            db.ConsensusWal.Append(5, "vote 5b"u8);
            db.ConsensusWal.TruncateBelow(6);
            Assert.Equal(["vote 6"], db.ConsensusWal.ReadAll().Select(r => Encoding.UTF8.GetString(r.Payload.Span)));
            db.ConsensusWal.Append(7, "vote 7"u8);
            db.ConsensusWal.TruncateBelow(8);
            Assert.Equal(0, db.ConsensusWal.Count);
            db.ConsensusWal.Append(8, "vote 8"u8);
        }

        Assert.False(File.Exists(WalFile + ".tmp"));
        using var reopened = Open();
        Assert.Equal(["vote 8"], reopened.ConsensusWal.ReadAll().Select(r => Encoding.UTF8.GetString(r.Payload.Span)));
    }

    [Fact]
    public void Open_RecordsOfTheOldWalColumn_AreMovedIntoTheFileOnce()
    {
        using (var db = Open())
        {
            // What an older version wrote: the WAL as a RocksDB column family.
            var old = new ConsensusWal(db.Engine);
            old.Append(5, "old vote"u8);
            old.Append(5, "old lock"u8);
        }

        File.Delete(WalFile);
        using (var db = Open())
        {
            Assert.Equal(["old vote", "old lock"], db.ConsensusWal.ReadAll().Select(r => Encoding.UTF8.GetString(r.Payload.Span)));
            Assert.Equal(0, new ConsensusWal(db.Engine).Count);
        }

        using var reopened = Open();
        Assert.Equal(2, reopened.ConsensusWal.Count);
    }
}

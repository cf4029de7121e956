using System.Text;
using GovChain.Storage.Engine;

namespace GovChain.Storage.Tests.Rocks;

/// <summary>
/// What the engine is opened with, checked where RocksDB itself records it: the OPTIONS file it
/// writes at open, and the properties block of each SST file it writes.
/// </summary>
[Collection(NativeResourceCollection.Name)]
public sealed class RocksEngineTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private RocksKeyValueStore OpenStore() =>
        RocksKeyValueStore.Open(_temp.Sub("db"), new RocksEngineOptions(8L * 1024 * 1024, CreateIfMissing: true));

    [Fact]
    public void Compression_Lz4AboveTheBottomAndZstdAtTheBottom_AreLinkedAndUsed()
    {
        // RocksDB refuses to open with a compression its build lacks ("Compression type ... is not
        // linked with the binary"), so opening at all shows both are there; the SST files show
        // they are used rather than stored uncompressed.
        const int Count = 2000;
        long rawBytes = 0;
        using (var store = OpenStore())
        {
            // Two overlapping flushes, so that compacting them is a real merge into the bottom
            // level rather than a move of one file.
            for (var round = 0; round < 2; round++)
            {
                using (var batch = store.CreateBatch())
                {
                    for (var i = round; i < Count; i += 1 + round)
                    {
                        batch.Put(Column.Blocks, Key(i), Value(i));
                        rawBytes += round == 0 ? 8 + Value(i).Length : 0;
                    }

                    store.Write(batch, sync: true);
                }

                store.Flush();
            }

            var flushed = SstFiles();
            Assert.Equal(2, flushed.Count);
            Assert.All(flushed, f => Assert.Equal(["LZ4"], SstProperties.Compressions(f)));

            store.CompactAll(Column.Blocks);
            var compacted = Assert.Single(SstFiles());
            Assert.DoesNotContain(compacted, flushed);
            Assert.Equal(["ZSTD"], SstProperties.Compressions(compacted));
            Assert.InRange(new FileInfo(compacted).Length, 1, rawBytes / 4);

            for (var i = 0; i < Count; i += 97)
            {
                Assert.Equal(Value(i), store.Get(Column.Blocks, Key(i)));
            }
        }

        Assert.Empty(LogErrors());
    }

    [Fact]
    public void OptionsFile_RecordsPointInTimeRecoveryBloomFiltersAndCompressionPerFamily()
    {
        OpenStore().Dispose();
        var options = OptionsFile.Read(Newest("OPTIONS-*"));

        Assert.Equal("kPointInTimeRecovery", options["DBOptions"]["wal_recovery_mode"]);
        Assert.Equal("true", options["DBOptions"]["paranoid_checks"]);
        Assert.Equal((64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), options["DBOptions"]["max_total_wal_size"]);
        foreach (var column in Columns.All)
        {
            var name = Columns.Name(column);
            var family = options[$"CFOptions \"{name}\""];
            Assert.Equal("kLZ4Compression", family["compression"]);
            Assert.Equal("kZSTD", family["bottommost_compression"]);
            var filter = options[$"TableOptions/BlockBasedTable \"{name}\""]["filter_policy"];
            if (Columns.IsPointLookup(column))
            {
                Assert.StartsWith("bloomfilter", filter, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("nullptr", filter);
            }
        }
    }

    [Fact]
    public void BlockCache_IsOneCacheSharedByEveryFamily()
    {
        using var store = OpenStore();
        using (var batch = store.CreateBatch())
        {
            foreach (var column in Columns.All)
            {
                for (var i = 0; i < 200; i++)
                {
                    batch.Put(column, Key(i), Value(i));
                }
            }

            store.Write(batch, sync: false);
        }

        store.Flush();
        var usage = store.BlockCache.GetUsage();
        foreach (var column in Columns.All)
        {
            // Reading from SST files of each family in turn fills the one cache further.
            Assert.Equal(Value(7), store.Get(column, Key(7)));
            var after = store.BlockCache.GetUsage();
            Assert.True(after > usage, $"reading {Columns.Name(column)} did not go through the shared cache ({usage} -> {after})");
            usage = after;
        }
    }

    [Fact]
    public void Snapshot_DisposedBeforeItsCursor_KeepsTheCursorReadingItsView()
    {
        using var store = OpenStore();
        Put(store, 1);
        var snapshot = store.OpenSnapshot();
        Put(store, 2);
        var cursor = snapshot.OpenCursor(Column.Blocks);
        snapshot.Dispose();
        store.Dispose();

        // Neither the snapshot nor the database is released while the cursor is open.
        cursor.SeekToFirst();
        Assert.True(cursor.Valid);
        Assert.Equal(Key(1), cursor.Key.ToArray());
        cursor.Next();
        Assert.False(cursor.Valid);
        cursor.Dispose();

        // And the last release closed the database: it opens again.
        using var reopened = OpenStore();
        Assert.Equal(Value(2), reopened.Get(Column.Blocks, Key(2)));
    }

    private static void Put(RocksKeyValueStore store, int i)
    {
        using var batch = store.CreateBatch();
        batch.Put(Column.Blocks, Key(i), Value(i));
        store.Write(batch, sync: true);
    }

    private static byte[] Key(int i)
    {
        var key = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key, i);
        return key;
    }

    // Compressible like real records: repeated structure with a few varying bytes.
    private static byte[] Value(int i) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"record {i % 13} of the land registry;", 16)));

    private List<string> SstFiles() => [.. Directory.GetFiles(_temp.Sub("db"), "*.sst")];

    private string Newest(string pattern) => Directory.GetFiles(_temp.Sub("db"), pattern).Max(StringComparer.Ordinal)!;

    private List<string> LogErrors() =>
        [.. File.ReadAllLines(Path.Combine(_temp.Sub("db"), "LOG")).Where(l => l.Contains("[ERROR]", StringComparison.Ordinal) || l.Contains("not linked", StringComparison.Ordinal))];

    /// <summary>The sections of a RocksDB OPTIONS file as name → key → value.</summary>
    private static class OptionsFile
    {
        public static Dictionary<string, Dictionary<string, string>> Read(string path)
        {
            var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            Dictionary<string, string>? current = null;
            foreach (var raw in File.ReadLines(path))
            {
                var line = raw.Trim();
                if (line.StartsWith('[') && line.EndsWith(']'))
                {
                    current = sections[line[1..^1]] = new Dictionary<string, string>(StringComparer.Ordinal);
                }
                else if (current is not null && line.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
                {
                    current[line[..eq]] = line[(eq + 1)..];
                }
            }

            return sections;
        }
    }
}

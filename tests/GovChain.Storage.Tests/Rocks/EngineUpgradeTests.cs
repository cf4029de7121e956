using System.Text;
using GovChain.Storage.CrashChild;
using GovChain.Storage.Engine;
using Microsoft.Extensions.Logging;

namespace GovChain.Storage.Tests.Rocks;

/// <summary>
/// A data directory written by Debian's librocksdb 7.8 opens with the RocksDB package's newer
/// release, and the node says before RocksDB writes to it that the upgrade is one-way.
/// </summary>
[Collection(NativeResourceCollection.Name)]
public sealed class EngineUpgradeTests : IDisposable
{
    private const int OneWayUpgrade = 4002;
    private const int Opened = 4000;

    // What the throwaway program that wrote the fixture (this repository's storage at the
    // commit before the move to the RocksDB package, on Debian's librocksdb7.8 7.8.3-2) printed.
    // Blocks 1-3 are in SST files (table format 5), block 4 only in the 7.8 write-ahead log.
    private const string FixtureRoot = "3cc638ead61305849c9f50f1ca596c516e5248e62bf575329965a72f9628c81f";
    private const string FixtureBlock4 = "81c78fdd78bbb95c125bb11b8cf48f3e492753eaf076b6792a3e109f6adff2d9";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_DatabaseWrittenByDebianRocksDb78_ReadsEverythingBackAfterWarningThatTheUpgradeIsOneWay()
    {
        var dir = CopyFixture();
        Assert.Equal(new Version(7, 8, 3), RocksDataVersion.LastWrittenBy(dir));
        var log = new RecordingLogger();

        using (var db = NodeDatabase.Open(dir, ChainWriter.ChainId, ChainWriter.GenesisHash, logger: log))
        {
            Assert.Equal(NodeDatabase.UnboundGenesisFormatVersion, db.StoredFormatVersion); // written before votes bound the genesis hash: a node refuses it
            Assert.Equal(4ul, db.Blocks.LastHeight);
            Assert.Equal(FixtureRoot, db.State.Root.ToString());
            Assert.Equal(FixtureBlock4, db.Blocks.GetBlock(4)!.Hash.ToString());
            for (var h = 1ul; h <= 4; h++)
            {
                Assert.NotNull(db.Blocks.GetBlock(h));
                Assert.NotNull(db.Blocks.GetReceipts(h));
            }

            Assert.Equal("prevote-5", Encoding.UTF8.GetString(db.ConsensusWal.ReadAll().Single().Payload.Span));
            Assert.Equal("rocksdb " + RocksDataVersion.Engine.ToString(3), db.RecordedEngine);

            // And it goes on: the next block appends on the upgraded directory.
            ChainWriter.AppendNext(db, 2, ChainWriter.Changes(5, 4, 12));
        }

        var entries = log.Entries;
        var warning = Assert.Single(entries, e => e.EventId == OneWayUpgrade);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(dir, warning.Fields["Path"]);
        Assert.Equal("7.8.3", warning.Fields["StoredVersion"]);
        Assert.Equal(RocksDataVersion.Engine.ToString(3), warning.Fields["EngineVersion"]);
        Assert.Contains("one way", warning.Message, StringComparison.Ordinal);
        Assert.True(
            entries.ToList().IndexOf(warning) < entries.ToList().FindIndex(e => e.EventId == Opened),
            "the warning comes before the database is opened");

        // Now the directory is the new release's: no warning the second time, and the data stays.
        Assert.Equal(RocksDataVersion.Engine, RocksDataVersion.LastWrittenBy(dir));
        var again = new RecordingLogger();
        using var reopened = NodeDatabase.Open(dir, ChainWriter.ChainId, ChainWriter.GenesisHash, logger: again);
        Assert.Equal(5ul, reopened.Blocks.LastHeight);
        Assert.DoesNotContain(again.Entries, e => e.EventId == OneWayUpgrade);
    }

    [Fact]
    public void Open_NewDatabase_RecordsTheEngineAndDoesNotWarn()
    {
        var log = new RecordingLogger();
        using (var db = NodeDatabase.Open(_temp.Sub("new"), ChainWriter.ChainId, ChainWriter.GenesisHash, logger: log))
        {
            Assert.Equal(NodeDatabase.FormatVersion, db.StoredFormatVersion);
            Assert.Equal("rocksdb " + RocksDataVersion.Engine.ToString(3), db.RecordedEngine);
        }

        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning);

        // The OPTIONS file RocksDB wrote names the release the package version says it ships.
        Assert.Equal(RocksDataVersion.Engine, RocksDataVersion.LastWrittenBy(_temp.Sub("new")));
    }

    [Fact]
    public void LastWrittenBy_SynthesizedOptionsFiles_ReadsTheNewestOne()
    {
        var dir = _temp.Sub("synthesized");
        Directory.CreateDirectory(dir);
        Assert.Null(RocksDataVersion.LastWrittenBy(dir));

        WriteOptionsFile(dir, "OPTIONS-000009", "6.29.4");
        WriteOptionsFile(dir, "OPTIONS-000012", "7.8.3");
        WriteOptionsFile(dir, "OPTIONS-000013.dbtmp", "99.0.0"); // a half-written one RocksDB renames only when complete
        Assert.Equal(new Version(7, 8, 3), RocksDataVersion.LastWrittenBy(dir));

        File.WriteAllText(Path.Combine(dir, "OPTIONS-000020"), "[Version]\n  options_file_version=1.1\n");
        Assert.Null(RocksDataVersion.LastWrittenBy(dir));
    }

    [Theory]
    [InlineData("7.8.3", "11.12.0", true)]
    [InlineData("11.8.1", "11.12.0", true)]
    [InlineData("11.12.0", "11.12.0", false)]
    [InlineData("11.12.4", "11.12.0", false)]
    [InlineData("12.0.0", "11.12.0", false)]
    public void IsOlderRelease_ComparesMajorAndMinor(string stored, string engine, bool older) =>
        Assert.Equal(older, RocksDataVersion.IsOlderRelease(Version.Parse(stored), Version.Parse(engine)));

    [Fact]
    public void Open_DirectoryLastWrittenByAnOlderRelease_WarnsBeforeRocksDbRuns()
    {
        // A directory whose only OPTIONS file says 6.29.4: the warning is logged even though
        // RocksDB then refuses the directory (it has no database), so it precedes any write.
        var dir = _temp.Sub("old");
        Directory.CreateDirectory(dir);
        WriteOptionsFile(dir, "OPTIONS-000007", "6.29.4");
        File.WriteAllText(Path.Combine(dir, "CURRENT"), "MANIFEST-000001\n");
        var log = new RecordingLogger();

        Assert.ThrowsAny<StorageException>(() => NodeDatabase.Open(dir, ChainWriter.ChainId, ChainWriter.GenesisHash, logger: log));

        var warning = Assert.Single(log.Entries, e => e.EventId == OneWayUpgrade);
        Assert.Equal("6.29.4", warning.Fields["StoredVersion"]);
    }

    private string CopyFixture()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "rocksdb-7.8.3");
        var dir = _temp.Sub("debian-7.8");
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        return dir;
    }

    private static void WriteOptionsFile(string dir, string name, string version) =>
        File.WriteAllText(
            Path.Combine(dir, name),
            $"# This is a RocksDB option file.\n#\n\n[Version]\n  rocksdb_version={version}\n  options_file_version=1.1\n\n[DBOptions]\n  create_if_missing=true\n");
}

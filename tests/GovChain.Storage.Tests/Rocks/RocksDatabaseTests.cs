using System.Text;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Storage.CrashChild;
using GovChain.Storage.Engine;

namespace GovChain.Storage.Tests.Rocks;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeResourceCollection
{
    public const string Name = "native resources";
}

/// <summary>What only a database on disk has: reopening, foreign and damaged directories, native resources.</summary>
[Collection(NativeResourceCollection.Name)]
public sealed class RocksDatabaseTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private NodeDatabase Open(string name = "db", StorageOptions? options = null) =>
        NodeDatabase.Open(_temp.Sub(name), ChainWriter.ChainId, ChainWriter.GenesisHash, options);

    [Fact]
    public void Reopen_AfterAppends_KeepsBlocksStateAndWal()
    {
        Hash32 root;
        using (var db = Open())
        {
            for (var h = 1ul; h <= 4; h++)
            {
                ChainWriter.AppendNext(db, 2, ChainWriter.Changes(h, 15, 25));
            }

            db.ConsensusWal.Append(5, "prevote"u8);
            root = db.State.Root;
        }

        using var reopened = Open();
        Assert.Equal(4ul, reopened.Blocks.LastHeight);
        Assert.Equal(root, reopened.State.Root);
        Assert.Equal(4ul, reopened.State.Height);
        Assert.Equal("prevote", Encoding.UTF8.GetString(reopened.ConsensusWal.ReadAll().Single().Payload.Span));
        ChainWriter.AppendNext(reopened, 1, ChainWriter.Changes(5, 5, 25));
        Assert.Equal(5ul, reopened.Blocks.LastHeight);
    }

    [Fact]
    public void Open_DirectoryWithOtherFiles_FailsWithClearError()
    {
        var dir = _temp.Sub("foreign");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a database");

        var ex = Assert.Throws<StorageException>(() => NodeDatabase.Open(dir, ChainWriter.ChainId, ChainWriter.GenesisHash));
        Assert.Contains("holds no database", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Open_AnotherChainsDatabase_FailsNamingBothChains()
    {
        Open().Dispose();

        var ex = Assert.Throws<StorageException>(() =>
            NodeDatabase.Open(_temp.Sub("db"), "other-chain", Hashes.Tagged(HashDomain.Genesis, "other"u8)));
        Assert.Contains(ChainWriter.ChainId, ex.Message, StringComparison.Ordinal);
        Assert.Contains("other-chain", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DamagedCurrentFile_FailsWithClearError()
    {
        using (var db = Open())
        {
            ChainWriter.AppendNext(db, 1, ChainWriter.Changes(1, 5, 10));
        }

        File.WriteAllText(Path.Combine(_temp.Sub("db"), "CURRENT"), "MANIFEST-999999\n");

        var ex = Assert.ThrowsAny<StorageException>(() => Open());
        Assert.Contains(_temp.Sub("db"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FlippedByteInSstFiles_IsReportedAsCorruptionNeverServed()
    {
        using (var db = Open())
        {
            for (var h = 1ul; h <= 3; h++)
            {
                ChainWriter.AppendNext(db, 20, ChainWriter.Changes(h, 10, 20));
            }

            ((RocksKeyValueStore)db.Engine).Flush();
        }

        foreach (var sst in Directory.GetFiles(_temp.Sub("db"), "*.sst"))
        {
            var bytes = File.ReadAllBytes(sst);
            bytes[Math.Min(40, bytes.Length / 4)] ^= 0x55;
            File.WriteAllBytes(sst, bytes);
        }

        // The damage is caught either when the database opens or when the block is read.
        Assert.ThrowsAny<StorageCorruptionException>(() =>
        {
            using var db = Open();
            for (var h = 1ul; h <= 3; h++)
            {
                db.Blocks.GetBlock(h);
            }
        });
    }

    [Fact]
    public void Open_SameDirectoryTwice_IsRefusedWhileTheFirstIsOpen()
    {
        using var first = Open();

        Assert.ThrowsAny<StorageException>(() => Open());
        Assert.Equal(0ul, first.Blocks.LastHeight);
    }

    [Fact]
    public void OpenClose_ManyCyclesWithFailures_LeakNoFileDescriptors()
    {
        // Warm up: the first open loads the library and starts RocksDB's shared background threads.
        Open().Dispose();
        var before = OpenDescriptors();

        for (var cycle = 0; cycle < 60; cycle++)
        {
            using var db = Open();
            var height = db.Blocks.LastHeight + 1;
            var prepared = db.State.Prepare(height, ChainWriter.Changes(height, 5, 10));
            var (block, cert, receipts) = ChainWriter.Build(db, height, [ChainWriter.Transaction(height, 0)], prepared.Root);
            Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, [], prepared));
            db.Blocks.Append(block, cert, receipts, prepared);
            using (var snapshotReader = db.State.Enumerate(height).GetEnumerator())
            {
                snapshotReader.MoveNext();
            }

            Assert.Throws<StorageException>(() => db.State.At(height + 1));
            Assert.NotNull(db.Blocks.GetBlock(height));
        }

        Assert.Empty(DescriptorsUnder(_temp.Path));
        Assert.InRange(OpenDescriptors(), 0, before + 2);
        using var last = Open();
        Assert.Equal(60ul, last.Blocks.LastHeight);
    }

    [Fact]
    public void NativeLibrary_IsTheOneTheRocksDbPackageShips()
    {
        Open().Dispose();

        // Not a system library: the build the package puts in this program's runtimes folder.
        var loaded = NativeImport.Auto.LoadedPath;
        Assert.NotNull(loaded);
        var full = Path.GetFullPath(loaded);
        Assert.True(File.Exists(full), full);
        Assert.Contains(Path.Combine("runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "native"), full, StringComparison.Ordinal);
        Assert.StartsWith("librocksdb", Path.GetFileName(full), StringComparison.Ordinal);
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>Open descriptors of this process on files below <paramref name="directory"/> (a leaked database keeps its LOCK, LOG and WAL open).</summary>
    private static List<string> DescriptorsUnder(string directory)
    {
        var targets = new List<string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith(directory, StringComparison.Ordinal))
                {
                    targets.Add(target);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return targets;
    }
}

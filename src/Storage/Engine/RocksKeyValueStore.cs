using RocksDbSharp;

namespace GovChain.Storage.Engine;

/// <summary>Tuning of the RocksDB engine.</summary>
internal sealed record RocksEngineOptions(long BlockCacheBytes, bool CreateIfMissing);

/// <summary>
/// RocksDB through the RocksDB package (RocksDbSharp and the native library it ships): one
/// column family per <see cref="Column"/>, a block cache shared by all of them, bloom filters
/// where keys are looked up exactly, LZ4 on the upper levels and Zstandard on the bottom one
/// (both linked into the shipped library: RocksDB refuses to open with a compression it lacks).
/// </summary>
internal sealed unsafe class RocksKeyValueStore : IKeyValueStore
{
    private const ulong MaxTotalWalBytes = 64UL * 1024 * 1024;
    private const int BloomBitsPerKey = 10;

    private readonly RocksDb _db;
    private readonly RocksLease _lease;
    private readonly ColumnFamilyHandle[] _families;
    private readonly ReadOptions _read;
    private readonly WriteOptions _syncWrite;
    private readonly WriteOptions _bufferedWrite;

    // RocksDB copies what it needs at open; these are kept so nothing the database was opened
    // with is finalised while it is open, whatever a later RocksDbSharp does with them.
    private readonly Cache _cache;
    private readonly object[] _openedWith;

    private RocksKeyValueStore(RocksDb db, Cache cache, object[] openedWith)
    {
        _db = db;
        _cache = cache;
        _openedWith = openedWith;

        // The lease alone closes the database, after every snapshot and cursor opened on it.
        GC.SuppressFinalize(db);
        _lease = new RocksLease(db);
        _families = [.. Columns.All.Select(c => db.GetColumnFamily(Columns.Name(c)))];
        _read = new ReadOptions().SetVerifyChecksums(true);
        _syncWrite = new WriteOptions().SetSync(true);
        _bufferedWrite = new WriteOptions().SetSync(false);
    }

    internal RocksDb Db => _db;

    internal RocksLease Lease => _lease;

    internal Cache BlockCache => _cache;

    internal ColumnFamilyHandle Family(Column column) => _families[(int)column];

    public static RocksKeyValueStore Open(string directory, RocksEngineOptions options)
    {
        RocksErrors.EnsureLoaded();
        var cache = Cache.CreateLru(checked((ulong)options.BlockCacheBytes));
        var scanTable = new BlockBasedTableOptions().SetBlockCache(cache);

        // The table options take ownership of the filter policy.
        var lookupTable = new BlockBasedTableOptions()
            .SetBlockCache(cache)
            .SetFilterPolicy(BloomFilterPolicy.Create(BloomBitsPerKey, use_block_based_builder: false));

        var dbOptions = new DbOptions()
            .SetCreateIfMissing(options.CreateIfMissing)
            .SetCreateMissingColumnFamilies(options.CreateIfMissing)
            .SetParanoidChecks(true)

            // After a crash the log is replayed up to the first incomplete record. Appends are
            // synced before they return, so only a write that never returned can be cut;
            // TolerateCorruptedTailRecords refused to open after a SIGKILL mid-write (a truncated
            // record body), as the crash test showed.
            .SetWalRecoveryMode(Recovery.PointInTime)

            // RocksDB's LOG file keeps only what matters to an operator.
            .SetInfoLogLevel(InfoLogLevel.Error)
            .SetKeepLogFileNum(4)

            // Bounds what a restart after a crash must replay: past this, the column families
            // holding the oldest log are flushed so it can be deleted. RocksDB's default (four
            // times all write buffers, here several GiB) would make recovery take minutes.
            .SetMaxTotalWalSize(MaxTotalWalBytes)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount));

        // The default family is unused but always exists; it gets the settings of a scanned one.
        var families = new ColumnFamilies(FamilyOptions(scanTable));
        foreach (var column in Columns.All)
        {
            families.Add(Columns.Name(column), FamilyOptions(Columns.IsPointLookup(column) ? lookupTable : scanTable));
        }

        RocksDb db;
        try
        {
            db = RocksDb.Open(dbOptions, directory, families);
        }
        catch (RocksDbSharpException ex)
        {
            throw RocksErrors.From(ex);
        }

        return new RocksKeyValueStore(db, cache, [dbOptions, families, scanTable, lookupTable]);
    }

    private static ColumnFamilyOptions FamilyOptions(BlockBasedTableOptions table)
    {
        var options = new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetCompression(Compression.Lz4);

        // RocksDbSharp has no setter of its own for the bottommost level's compression.
        Native.Instance.rocksdb_options_set_bottommost_compression(options.Handle, (int)Compression.Zstd);
        return options;
    }

    public byte[]? Get(Column column, ReadOnlySpan<byte> key) => Get(_read, column, key);

    /// <summary>
    /// A pinned get: the value is copied once, from RocksDB's block (or memtable) straight into
    /// the returned array. RocksDbSharp's <c>Get</c> copies twice (into a malloc'ed buffer, then
    /// into the array).
    /// </summary>
    internal byte[]? Get(ReadOptions read, Column column, ReadOnlySpan<byte> key)
    {
        var native = Native.Instance;
        nint slice;
        nint error;
        fixed (byte* k = key)
        {
            slice = native.rocksdb_get_pinned_cf(_db.Handle, read.Handle, Family(column).Handle, k, (nuint)key.Length, out error);
        }

        RocksErrors.ThrowIfError(error);
        if (slice == 0)
        {
            return null;
        }

        try
        {
            var value = native.rocksdb_pinnableslice_value(slice, out var length);
            return new ReadOnlySpan<byte>((void*)value, checked((int)length)).ToArray();
        }
        finally
        {
            native.rocksdb_pinnableslice_destroy(slice);
        }
    }

    public IKeyValueCursor OpenCursor(Column column) => new RocksCursor(_db.NewIterator(Family(column), _read), _lease);

    public IKeyValueBatch CreateBatch() => new RocksWriteBatch(this);

    public void Write(IKeyValueBatch batch, bool sync)
    {
        if (batch is not RocksWriteBatch rocks || !ReferenceEquals(rocks.Store, this))
        {
            throw new ArgumentException("The batch was not created by this store.", nameof(batch));
        }

        try
        {
            _db.Write(rocks.Batch, sync ? _syncWrite : _bufferedWrite);
        }
        catch (RocksDbSharpException ex)
        {
            throw RocksErrors.From(ex);
        }
    }

    public IKeyValueSnapshot OpenSnapshot() => new RocksSnapshot(this);

    /// <summary>Writes every column's memtable to SST files and waits (tests and tools only).</summary>
    internal void Flush()
    {
        var options = new FlushOptions().SetWaitForFlush(true);
        foreach (var family in _families)
        {
            Native.Instance.rocksdb_flush_cf(_db.Handle, options.Handle, family.Handle, out var error);
            RocksErrors.ThrowIfError(error);
        }

        GC.KeepAlive(options);
    }

    /// <summary>Compacts all of <paramref name="column"/> into the bottom level (tests and tools only).</summary>
    internal void CompactAll(Column column) =>
        Native.Instance.rocksdb_compact_range_cf(_db.Handle, Family(column).Handle, IntPtr.Zero, UIntPtr.Zero, IntPtr.Zero, UIntPtr.Zero);

    public void Dispose()
    {
        // The database closes when its last snapshot and cursor are released too.
        _lease.Dispose();
        GC.KeepAlive(_openedWith);
    }
}

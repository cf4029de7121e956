using System.Runtime.InteropServices;
using System.Text;
using GovChain.Storage.Native;

namespace GovChain.Storage.Engine;

/// <summary>Tuning of the RocksDB engine.</summary>
internal sealed record RocksEngineOptions(long BlockCacheBytes, bool CreateIfMissing);

/// <summary>
/// RocksDB through its C API: one column family per <see cref="Column"/>, a block cache
/// shared by all of them, bloom filters where keys are looked up exactly, LZ4 on the upper
/// levels and Zstandard on the bottom one (both compiled into Debian's librocksdb7.8).
/// </summary>
internal sealed unsafe class RocksKeyValueStore : IKeyValueStore
{
    private const string DefaultFamily = "default";
    private const ulong MaxTotalWalBytes = 64UL * 1024 * 1024;

    private readonly DbHandle _db;
    private readonly ColumnFamilyHandle[] _families;
    private readonly ReadOptionsHandle _read;
    private readonly WriteOptionsHandle _syncWrite;
    private readonly WriteOptionsHandle _bufferedWrite;
    private readonly List<SafeHandle> _owned;

    private RocksKeyValueStore(DbHandle db, ColumnFamilyHandle[] families, List<SafeHandle> owned)
    {
        _db = db;
        _families = families;
        _owned = owned;
        _read = new ReadOptionsHandle();
        RocksDbNative.rocksdb_readoptions_set_verify_checksums(_read, 1);
        _syncWrite = new WriteOptionsHandle();
        RocksDbNative.rocksdb_writeoptions_set_sync(_syncWrite, 1);
        _bufferedWrite = new WriteOptionsHandle();
        RocksDbNative.rocksdb_writeoptions_set_sync(_bufferedWrite, 0);
    }

    internal DbHandle Db => _db;

    internal ColumnFamilyHandle Family(Column column) => _families[(int)column];

    public static RocksKeyValueStore Open(string directory, RocksEngineOptions options)
    {
        RocksDbNative.EnsureLoaded();
        var owned = new List<SafeHandle>();
        var families = new List<ColumnFamilyHandle>();
        try
        {
            var cache = Track(owned, new CacheHandle(options.BlockCacheBytes));
            var dbOptions = Track(owned, CreateOptions(cache, pointLookup: false));
            RocksDbNative.rocksdb_options_set_create_if_missing(dbOptions, options.CreateIfMissing ? (byte)1 : (byte)0);
            RocksDbNative.rocksdb_options_set_create_missing_column_families(dbOptions, options.CreateIfMissing ? (byte)1 : (byte)0);
            RocksDbNative.rocksdb_options_set_paranoid_checks(dbOptions, 1);
            RocksDbNative.rocksdb_options_set_wal_recovery_mode(dbOptions, RocksDbNative.WalRecoveryPointInTime);
            RocksDbNative.rocksdb_options_set_info_log_level(dbOptions, RocksDbNative.InfoLogLevelError);
            RocksDbNative.rocksdb_options_set_keep_log_file_num(dbOptions, 4);

            // Bounds what a restart after a crash must replay: past this, the column families
            // holding the oldest log are flushed so it can be deleted. RocksDB's default (four
            // times all write buffers, here several GiB) would make recovery take minutes.
            RocksDbNative.rocksdb_options_set_max_total_wal_size(dbOptions, MaxTotalWalBytes);
            RocksDbNative.rocksdb_options_increase_parallelism(dbOptions, Math.Max(2, Environment.ProcessorCount));

            var names = new List<string> { DefaultFamily };
            var familyOptions = new List<OptionsHandle> { dbOptions };
            foreach (var column in Columns.All)
            {
                names.Add(Columns.Name(column));
                familyOptions.Add(Track(owned, CreateOptions(cache, Columns.IsPointLookup(column))));
            }

            var db = OpenNative(directory, dbOptions, names, familyOptions, families);
            var store = new RocksKeyValueStore(db, [.. families.Skip(1)], owned);
            owned.Add(families[0]);
            return store;
        }
        catch
        {
            foreach (var family in families)
            {
                family.Dispose();
            }

            for (var i = owned.Count - 1; i >= 0; i--)
            {
                owned[i].Dispose();
            }

            throw;
        }
    }

    private static T Track<T>(List<SafeHandle> owned, T handle)
        where T : SafeHandle
    {
        owned.Add(handle);
        return handle;
    }

    private static OptionsHandle CreateOptions(CacheHandle cache, bool pointLookup)
    {
        var options = new OptionsHandle();
        using var table = new BlockBasedOptionsHandle();
        RocksDbNative.rocksdb_block_based_options_set_block_cache(table, cache);
        if (pointLookup)
        {
            using var bloom = new FilterPolicyHandle(10);
            bloom.TransferTo(table);
        }

        // The factory copies the table options, so ours can be released right away.
        RocksDbNative.rocksdb_options_set_block_based_table_factory(options, table);
        RocksDbNative.rocksdb_options_set_compression(options, RocksDbNative.Lz4Compression);
        RocksDbNative.rocksdb_options_set_bottommost_compression(options, RocksDbNative.ZstdCompression);
        return options;
    }

    private static DbHandle OpenNative(
        string directory, OptionsHandle dbOptions, List<string> names, List<OptionsHandle> familyOptions, List<ColumnFamilyHandle> families)
    {
        var count = names.Count;
        var nameBytes = names.Select(n => Encoding.UTF8.GetBytes(n + "\0")).ToArray();
        var nameHandles = nameBytes.Select(b => GCHandle.Alloc(b, GCHandleType.Pinned)).ToArray();
        var addedRefs = new bool[count];
        try
        {
            var namePointers = stackalloc byte*[count];
            var optionPointers = stackalloc nint[count];
            var handles = stackalloc nint[count];
            for (var i = 0; i < count; i++)
            {
                namePointers[i] = (byte*)nameHandles[i].AddrOfPinnedObject();
                familyOptions[i].DangerousAddRef(ref addedRefs[i]);
                optionPointers[i] = familyOptions[i].DangerousGetHandle();
                handles[i] = 0;
            }

            var path = Encoding.UTF8.GetBytes(directory + "\0");
            nint db;
            nint error;
            fixed (byte* pathPointer = path)
            {
                db = RocksDbNative.rocksdb_open_column_families(
                    dbOptions, pathPointer, count, namePointers, optionPointers, handles, out error);
            }

            RocksDbNative.ThrowIfError(error);
            var dbHandle = new DbHandle(db);
            for (var i = 0; i < count; i++)
            {
                families.Add(new ColumnFamilyHandle(handles[i], dbHandle));
            }

            // The column families now hold the database open; the store's own reference is this handle.
            return dbHandle;
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                if (addedRefs[i])
                {
                    familyOptions[i].DangerousRelease();
                }

                nameHandles[i].Free();
            }
        }
    }

    public byte[]? Get(Column column, ReadOnlySpan<byte> key) => Get(_read, column, key);

    internal byte[]? Get(ReadOptionsHandle read, Column column, ReadOnlySpan<byte> key)
    {
        nint slice;
        nint error;
        fixed (byte* k = key)
        {
            slice = RocksDbNative.rocksdb_get_pinned_cf(_db, read, Family(column), k, (nuint)key.Length, out error);
        }

        RocksDbNative.ThrowIfError(error);
        if (slice == 0)
        {
            return null;
        }

        try
        {
            var value = RocksDbNative.rocksdb_pinnableslice_value(slice, out var length);
            return new ReadOnlySpan<byte>(value, checked((int)length)).ToArray();
        }
        finally
        {
            RocksDbNative.rocksdb_pinnableslice_destroy(slice);
        }
    }

    public IKeyValueCursor OpenCursor(Column column) => new RocksCursor(new IteratorHandle(_db, _read, Family(column), _db));

    public IKeyValueBatch CreateBatch() => new RocksWriteBatch(this);

    public void Write(IKeyValueBatch batch, bool sync)
    {
        if (batch is not RocksWriteBatch rocks || !ReferenceEquals(rocks.Store, this))
        {
            throw new ArgumentException("The batch was not created by this store.", nameof(batch));
        }

        RocksDbNative.rocksdb_write(_db, sync ? _syncWrite : _bufferedWrite, rocks.Handle, out var error);
        RocksDbNative.ThrowIfError(error);
    }

    public IKeyValueSnapshot OpenSnapshot() => new RocksSnapshot(this);

    /// <summary>Writes every column's memtable to SST files and waits (tests and tools only).</summary>
    internal void Flush()
    {
        using var options = new FlushOptionsHandle();
        RocksDbNative.rocksdb_flushoptions_set_wait(options, 1);
        foreach (var family in _families)
        {
            RocksDbNative.rocksdb_flush_cf(_db, options, family, out var error);
            RocksDbNative.ThrowIfError(error);
        }
    }

    public void Dispose()
    {
        _read.Dispose();
        _syncWrite.Dispose();
        _bufferedWrite.Dispose();
        foreach (var family in _families)
        {
            family.Dispose();
        }

        // The default family and the options; the database closes when its last dependent is released.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _db.Dispose();
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GovChain.Core.Native;

namespace GovChain.Storage.Native;

/// <summary>
/// The entry points of RocksDB's C API (rocksdb/c.h, Debian package librocksdb7.8) that
/// GovChain uses. Raw pointers stay inside this class and the SafeHandle types; everything
/// else holds a handle.
/// </summary>
internal static unsafe partial class RocksDbNative
{
    private const string Lib = "rocksdb";

    internal const int NoCompression = 0;
    internal const int Lz4Compression = 4;
    internal const int ZstdCompression = 7;

    // Info log level 3 = ERROR: RocksDB's LOG file keeps only what matters to an operator.
    internal const int InfoLogLevelError = 3;

    // kPointInTimeRecovery: after a crash the log is replayed up to the first incomplete record.
    // Appends are synced before they return, so only a write that never returned can be cut;
    // kTolerateCorruptedTailRecords refused to open after a SIGKILL mid-write (a truncated
    // record body), as the crash test showed.
    internal const int WalRecoveryPointInTime = 2;

    // An explicit static constructor (not a field initialiser) guarantees the resolver is in
    // place before the first P/Invoke of this class is bound.
#pragma warning disable CA1810
    static RocksDbNative()
    {
        NativeLibraryResolver.Register(
            typeof(RocksDbNative).Assembly, Lib, "librocksdb7.8", "librocksdb.so.7.8", "librocksdb.so");
    }
#pragma warning restore CA1810

    /// <summary>Loads the library now so a missing install is reported when the database opens, naming the package.</summary>
    internal static void EnsureLoaded() => NativeLibraryResolver.Load(Lib);

    /// <summary>Turns a RocksDB error string (malloc'ed, owned by us) into an exception and frees it.</summary>
    internal static void ThrowIfError(nint error)
    {
        if (error == 0)
        {
            return;
        }

        var message = Marshal.PtrToStringUTF8(error) ?? "unknown RocksDB error";
        rocksdb_free(error);
        throw RocksDbException.FromMessage(message);
    }

    // ---- database ----

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_open_column_families(
        OptionsHandle options, byte* name, int count, byte** names, nint* cfOptions, nint* cfHandles, out nint error);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_list_column_families(OptionsHandle options, byte* name, out nuint count, out nint error);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_list_column_families_destroy(nint list, nuint count);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_close(nint db);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_column_family_handle_destroy(nint cf);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_write(DbHandle db, WriteOptionsHandle options, WriteBatchHandle batch, out nint error);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_get_pinned_cf(
        DbHandle db, ReadOptionsHandle options, ColumnFamilyHandle cf, byte* key, nuint keyLength, out nint error);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* rocksdb_pinnableslice_value(nint slice, out nuint length);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_pinnableslice_destroy(nint slice);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_create_snapshot(DbHandle db);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_release_snapshot(nint db, nint snapshot);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_free(nint pointer);

    // ---- options ----

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_options_create();

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_destroy(nint options);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_create_if_missing(OptionsHandle options, byte value);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_create_missing_column_families(OptionsHandle options, byte value);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_paranoid_checks(OptionsHandle options, byte value);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_info_log_level(OptionsHandle options, int level);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_keep_log_file_num(OptionsHandle options, nuint count);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_increase_parallelism(OptionsHandle options, int threads);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_compression(OptionsHandle options, int compression);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_bottommost_compression(OptionsHandle options, int compression);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_write_buffer_size(OptionsHandle options, nuint bytes);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_block_based_table_factory(OptionsHandle options, BlockBasedOptionsHandle table);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_block_based_options_create();

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_block_based_options_destroy(nint options);

    // Takes ownership of the policy (RocksDB wraps it in a shared_ptr).
    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_block_based_options_set_filter_policy(BlockBasedOptionsHandle options, nint policy);

    // Shares the cache: the table options keep their own reference, ours is released separately.
    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_block_based_options_set_block_cache(BlockBasedOptionsHandle options, CacheHandle cache);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_filterpolicy_create_bloom_full(double bitsPerKey);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_filterpolicy_destroy(nint policy);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_cache_create_lru(nuint capacity);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_cache_destroy(nint cache);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_readoptions_create();

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_readoptions_destroy(nint options);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_readoptions_set_verify_checksums(ReadOptionsHandle options, byte value);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_readoptions_set_snapshot(ReadOptionsHandle options, SnapshotHandle snapshot);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_writeoptions_create();

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_writeoptions_destroy(nint options);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_writeoptions_set_sync(WriteOptionsHandle options, byte value);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_max_total_wal_size(OptionsHandle options, ulong bytes);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_options_set_wal_recovery_mode(OptionsHandle options, int mode);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_flushoptions_create();

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_flushoptions_destroy(nint options);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_flushoptions_set_wait(FlushOptionsHandle options, byte wait);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_flush_cf(DbHandle db, FlushOptionsHandle options, ColumnFamilyHandle cf, out nint error);

    // ---- write batch ----

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_writebatch_create();

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_writebatch_destroy(nint batch);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int rocksdb_writebatch_count(WriteBatchHandle batch);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_writebatch_put_cf(
        WriteBatchHandle batch, ColumnFamilyHandle cf, byte* key, nuint keyLength, byte* value, nuint valueLength);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_writebatch_delete_cf(WriteBatchHandle batch, ColumnFamilyHandle cf, byte* key, nuint keyLength);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_writebatch_delete_range_cf(
        WriteBatchHandle batch, ColumnFamilyHandle cf, byte* start, nuint startLength, byte* end, nuint endLength);

    // ---- iterator ----

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint rocksdb_create_iterator_cf(DbHandle db, ReadOptionsHandle options, ColumnFamilyHandle cf);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_iter_destroy(nint iterator);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte rocksdb_iter_valid(IteratorHandle iterator);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_iter_seek(IteratorHandle iterator, byte* key, nuint keyLength);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_iter_next(IteratorHandle iterator);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* rocksdb_iter_key(IteratorHandle iterator, out nuint length);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* rocksdb_iter_value(IteratorHandle iterator, out nuint length);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void rocksdb_iter_get_error(IteratorHandle iterator, out nint error);
}

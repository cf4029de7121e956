using System.Runtime.InteropServices;

namespace GovChain.Storage.Native;

/// <summary>
/// Base of every RocksDB handle: owns one native object and, optionally, a reference on the
/// handle it depends on (a column family, iterator or snapshot on its database), so the
/// database is closed only after everything opened on it has been released — whatever order
/// the finaliser or an exception path releases them in.
/// </summary>
internal abstract class RocksHandle : SafeHandle
{
    private SafeHandle? _parent;

    protected RocksHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Takes ownership of <paramref name="pointer"/>; throws when RocksDB returned null.</summary>
    protected void Own(nint pointer, string what, SafeHandle? parent = null)
    {
        if (pointer == 0)
        {
            throw new RocksDbException($"RocksDB could not create {what}.");
        }

        if (parent is not null)
        {
            var added = false;
            parent.DangerousAddRef(ref added);
            _parent = parent;
        }

        SetHandle(pointer);
    }

    protected nint ParentPointer => _parent?.DangerousGetHandle() ?? 0;

    protected sealed override bool ReleaseHandle()
    {
        Free(handle);
        _parent?.DangerousRelease();
        _parent = null;
        return true;
    }

    protected abstract void Free(nint pointer);
}

internal sealed class OptionsHandle : RocksHandle
{
    public OptionsHandle() => Own(RocksDbNative.rocksdb_options_create(), "options");

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_options_destroy(pointer);
}

internal sealed class BlockBasedOptionsHandle : RocksHandle
{
    public BlockBasedOptionsHandle() => Own(RocksDbNative.rocksdb_block_based_options_create(), "table options");

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_block_based_options_destroy(pointer);
}

internal sealed class CacheHandle : RocksHandle
{
    public CacheHandle(long capacityBytes) => Own(RocksDbNative.rocksdb_cache_create_lru((nuint)capacityBytes), "block cache");

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_cache_destroy(pointer);
}

/// <summary>A bloom filter policy until it is handed to table options, which then own it.</summary>
internal sealed class FilterPolicyHandle : RocksHandle
{
    public FilterPolicyHandle(double bitsPerKey) => Own(RocksDbNative.rocksdb_filterpolicy_create_bloom_full(bitsPerKey), "bloom filter");

    public void TransferTo(BlockBasedOptionsHandle table)
    {
        RocksDbNative.rocksdb_block_based_options_set_filter_policy(table, handle);
        SetHandleAsInvalid();
    }

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_filterpolicy_destroy(pointer);
}

internal sealed class ReadOptionsHandle : RocksHandle
{
    public ReadOptionsHandle() => Own(RocksDbNative.rocksdb_readoptions_create(), "read options");

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_readoptions_destroy(pointer);
}

internal sealed class WriteOptionsHandle : RocksHandle
{
    public WriteOptionsHandle() => Own(RocksDbNative.rocksdb_writeoptions_create(), "write options");

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_writeoptions_destroy(pointer);
}

internal sealed class FlushOptionsHandle : RocksHandle
{
    public FlushOptionsHandle() => Own(RocksDbNative.rocksdb_flushoptions_create(), "flush options");

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_flushoptions_destroy(pointer);
}

internal sealed class WriteBatchHandle : RocksHandle
{
    public WriteBatchHandle() => Own(RocksDbNative.rocksdb_writebatch_create(), "write batch");

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_writebatch_destroy(pointer);
}

internal sealed class DbHandle : RocksHandle
{
    public DbHandle(nint pointer) => Own(pointer, "database");

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_close(pointer);
}

internal sealed class ColumnFamilyHandle : RocksHandle
{
    public ColumnFamilyHandle(nint pointer, DbHandle db) => Own(pointer, "column family", db);

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_column_family_handle_destroy(pointer);
}

internal sealed class SnapshotHandle : RocksHandle
{
    public SnapshotHandle(DbHandle db) => Own(RocksDbNative.rocksdb_create_snapshot(db), "snapshot", db);

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_release_snapshot(ParentPointer, pointer);
}

internal sealed class IteratorHandle : RocksHandle
{
    /// <param name="keepAlive">The database, or the snapshot the read options refer to (which itself holds the database).</param>
    public IteratorHandle(DbHandle db, ReadOptionsHandle options, ColumnFamilyHandle cf, SafeHandle keepAlive) =>
        Own(RocksDbNative.rocksdb_create_iterator_cf(db, options, cf), "iterator", keepAlive);

    protected override void Free(nint pointer) => RocksDbNative.rocksdb_iter_destroy(pointer);
}

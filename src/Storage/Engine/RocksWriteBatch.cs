using GovChain.Storage.Native;

namespace GovChain.Storage.Engine;

/// <summary>A RocksDB write batch; RocksDB copies keys and values in, so callers may reuse their buffers.</summary>
internal sealed unsafe class RocksWriteBatch : IKeyValueBatch
{
    public RocksWriteBatch(RocksKeyValueStore store)
    {
        Store = store;
        Handle = new WriteBatchHandle();
    }

    internal RocksKeyValueStore Store { get; }

    internal WriteBatchHandle Handle { get; }

    public int Count => RocksDbNative.rocksdb_writebatch_count(Handle);

    public long ByteSize { get; private set; }

    public void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            RocksDbNative.rocksdb_writebatch_put_cf(Handle, Store.Family(column), k, (nuint)key.Length, v, (nuint)value.Length);
        }

        ByteSize += key.Length + value.Length;
    }

    public void Delete(Column column, ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
        {
            RocksDbNative.rocksdb_writebatch_delete_cf(Handle, Store.Family(column), k, (nuint)key.Length);
        }

        ByteSize += key.Length;
    }

    public void DeleteRange(Column column, ReadOnlySpan<byte> start, ReadOnlySpan<byte> end)
    {
        fixed (byte* s = start)
        fixed (byte* e = end)
        {
            RocksDbNative.rocksdb_writebatch_delete_range_cf(
                Handle, Store.Family(column), s, (nuint)start.Length, e, (nuint)end.Length);
        }

        ByteSize += start.Length + end.Length;
    }

    public void Dispose() => Handle.Dispose();
}

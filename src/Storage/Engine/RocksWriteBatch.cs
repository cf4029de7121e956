using RocksDbSharp;

namespace GovChain.Storage.Engine;

/// <summary>A RocksDB write batch; RocksDB copies keys and values in, so callers may reuse their buffers.</summary>
internal sealed unsafe class RocksWriteBatch : IKeyValueBatch
{
    public RocksWriteBatch(RocksKeyValueStore store)
    {
        Store = store;
        Batch = new WriteBatch();
    }

    internal RocksKeyValueStore Store { get; }

    internal WriteBatch Batch { get; }

    public int Count => Batch.Count();

    public long ByteSize { get; private set; }

    // Spans go in pinned, without a managed copy (RocksDbSharp's span overloads fix them in place).
    public void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Batch.Put(key, value, Store.Family(column));
        ByteSize += key.Length + value.Length;
    }

    public void Delete(Column column, ReadOnlySpan<byte> key)
    {
        Batch.Delete(key, Store.Family(column));
        ByteSize += key.Length;
    }

    public void DeleteRange(Column column, ReadOnlySpan<byte> start, ReadOnlySpan<byte> end)
    {
        fixed (byte* s = start)
        fixed (byte* e = end)
        {
            Batch.DeleteRange(s, (ulong)start.Length, e, (ulong)end.Length, Store.Family(column));
        }

        ByteSize += start.Length + end.Length;
    }

    public void Dispose() => Batch.Dispose();
}

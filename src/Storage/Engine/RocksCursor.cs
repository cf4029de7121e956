using GovChain.Storage.Native;

namespace GovChain.Storage.Engine;

/// <summary>A RocksDB iterator; key and value point into RocksDB's memory until the next move.</summary>
internal sealed unsafe class RocksCursor : IKeyValueCursor
{
    private readonly IteratorHandle _iterator;

    public RocksCursor(IteratorHandle iterator) => _iterator = iterator;

    public bool Valid
    {
        get
        {
            if (RocksDbNative.rocksdb_iter_valid(_iterator) != 0)
            {
                return true;
            }

            // An iterator also stops being valid on an I/O or checksum error: report it rather than a silent end.
            RocksDbNative.rocksdb_iter_get_error(_iterator, out var error);
            RocksDbNative.ThrowIfError(error);
            return false;
        }
    }

    public ReadOnlySpan<byte> Key
    {
        get
        {
            var key = RocksDbNative.rocksdb_iter_key(_iterator, out var length);
            return new ReadOnlySpan<byte>(key, checked((int)length));
        }
    }

    public ReadOnlySpan<byte> Value
    {
        get
        {
            var value = RocksDbNative.rocksdb_iter_value(_iterator, out var length);
            return new ReadOnlySpan<byte>(value, checked((int)length));
        }
    }

    public void Seek(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
        {
            RocksDbNative.rocksdb_iter_seek(_iterator, k, (nuint)key.Length);
        }
    }

    public void SeekToFirst() => Seek([]);

    public void Next() => RocksDbNative.rocksdb_iter_next(_iterator);

    public void Dispose() => _iterator.Dispose();
}

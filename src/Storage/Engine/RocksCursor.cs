using RocksDbSharp;

namespace GovChain.Storage.Engine;

/// <summary>A RocksDB iterator; key and value point into RocksDB's memory until the next move.</summary>
internal sealed class RocksCursor : IKeyValueCursor
{
    private readonly Iterator _iterator;
    private readonly RocksLease _lease;

    /// <param name="parent">The database, or the snapshot the iterator reads (which itself holds the database).</param>
    public RocksCursor(Iterator iterator, RocksLease parent)
    {
        _iterator = iterator;
        _lease = new RocksLease(iterator, parent);
    }

    public bool Valid
    {
        get
        {
            if (_iterator.Valid())
            {
                return true;
            }

            // An iterator also stops being valid on an I/O or checksum error: report it rather than a silent end.
            Native.Instance.rocksdb_iter_get_error(_iterator.Handle, out var error);
            RocksErrors.ThrowIfError(error);
            return false;
        }
    }

    public ReadOnlySpan<byte> Key => _iterator.GetKeySpan();

    public ReadOnlySpan<byte> Value => _iterator.GetValueSpan();

    public void Seek(ReadOnlySpan<byte> key) => _iterator.Seek(key);

    public void SeekToFirst() => _iterator.SeekToFirst();

    public void Next() => _iterator.Next();

    public void Dispose() => _lease.Dispose();
}

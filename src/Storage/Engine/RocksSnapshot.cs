using RocksDbSharp;

namespace GovChain.Storage.Engine;

/// <summary>Reads of a RocksDB snapshot: what was committed when it was taken, nothing later.</summary>
internal sealed class RocksSnapshot : IKeyValueSnapshot
{
    private readonly RocksKeyValueStore _store;
    private readonly RocksLease _lease;
    private readonly ReadOptions _read;

    public RocksSnapshot(RocksKeyValueStore store)
    {
        _store = store;
        var snapshot = store.Db.CreateSnapshot();
        _lease = new RocksLease(snapshot, store.Lease);
        _read = new ReadOptions().SetVerifyChecksums(true).SetSnapshot(snapshot);
    }

    public byte[]? Get(Column column, ReadOnlySpan<byte> key) => _store.Get(_read, column, key);

    // The cursor's lease holds the snapshot's, so disposing the snapshot before its cursors is
    // safe; the iterator keeps the read options (which point at the snapshot) from being collected.
    public IKeyValueCursor OpenCursor(Column column) =>
        new RocksCursor(_store.Db.NewIterator(_store.Family(column), _read), _lease);

    public void Dispose() => _lease.Dispose();
}

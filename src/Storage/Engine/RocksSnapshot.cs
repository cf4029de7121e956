using GovChain.Storage.Native;

namespace GovChain.Storage.Engine;

/// <summary>Reads of a RocksDB snapshot: what was committed when it was taken, nothing later.</summary>
internal sealed class RocksSnapshot : IKeyValueSnapshot
{
    private readonly RocksKeyValueStore _store;
    private readonly SnapshotHandle _snapshot;
    private readonly ReadOptionsHandle _read;

    public RocksSnapshot(RocksKeyValueStore store)
    {
        _store = store;
        _snapshot = new SnapshotHandle(store.Db);
        _read = new ReadOptionsHandle();
        RocksDbNative.rocksdb_readoptions_set_verify_checksums(_read, 1);
        RocksDbNative.rocksdb_readoptions_set_snapshot(_read, _snapshot);
    }

    public byte[]? Get(Column column, ReadOnlySpan<byte> key) => _store.Get(_read, column, key);

    // The iterator keeps the snapshot alive, so disposing the snapshot before its cursors is safe.
    public IKeyValueCursor OpenCursor(Column column) =>
        new RocksCursor(new IteratorHandle(_store.Db, _read, _store.Family(column), _snapshot));

    public void Dispose()
    {
        _read.Dispose();
        _snapshot.Dispose();
    }
}

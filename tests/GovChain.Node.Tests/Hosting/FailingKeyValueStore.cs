using GovChain.Storage;
using GovChain.Storage.Engine;

namespace GovChain.Node.Tests.Hosting;

/// <summary>
/// The in-memory engine whose writes fail once <see cref="FailWrites"/> is set, as a disk that
/// went bad (EIO) or full (ENOSPC) fails them: the write batch is refused and nothing changes.
/// </summary>
internal sealed class FailingKeyValueStore : IKeyValueStore
{
    private readonly MemoryKeyValueStore _inner = new();
    private volatile bool _failWrites;

    public bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    public byte[]? Get(Column column, ReadOnlySpan<byte> key) => _inner.Get(column, key);

    public IKeyValueCursor OpenCursor(Column column) => _inner.OpenCursor(column);

    public IKeyValueBatch CreateBatch() => _inner.CreateBatch();

    public void Write(IKeyValueBatch batch, bool sync)
    {
        if (_failWrites)
        {
            throw new StorageException("RocksDB: IO error: No space left on device (test engine)");
        }

        _inner.Write(batch, sync);
    }

    public IKeyValueSnapshot OpenSnapshot() => _inner.OpenSnapshot();

    public void Dispose() => _inner.Dispose();
}

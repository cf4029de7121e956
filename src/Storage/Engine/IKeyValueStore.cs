namespace GovChain.Storage.Engine;

/// <summary>
/// The few operations the stores need from an ordered key-value engine. Block store, state
/// tree and WAL are written once against this; RocksDB and the in-memory engine implement it,
/// and one contract test suite runs against both.
/// </summary>
internal interface IKeyValueReader
{
    /// <summary>The value at <paramref name="key"/>, or null.</summary>
    byte[]? Get(Column column, ReadOnlySpan<byte> key);

    /// <summary>A forward cursor over <paramref name="column"/>, in unsigned byte order of keys.</summary>
    IKeyValueCursor OpenCursor(Column column);
}

internal interface IKeyValueStore : IKeyValueReader, IDisposable
{
    IKeyValueBatch CreateBatch();

    /// <summary>Applies every operation of <paramref name="batch"/> atomically; with <paramref name="sync"/> it is on stable storage on return.</summary>
    void Write(IKeyValueBatch batch, bool sync);

    /// <summary>A consistent read-only view as of now; later writes are not seen through it.</summary>
    IKeyValueSnapshot OpenSnapshot();
}

internal interface IKeyValueSnapshot : IKeyValueReader, IDisposable
{
}

internal interface IKeyValueBatch : IDisposable
{
    int Count { get; }

    /// <summary>Approximate bytes of keys and values added so far, to keep batches bounded.</summary>
    long ByteSize { get; }

    void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Delete(Column column, ReadOnlySpan<byte> key);

    /// <summary>Deletes keys in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    void DeleteRange(Column column, ReadOnlySpan<byte> start, ReadOnlySpan<byte> end);
}

/// <summary>A forward cursor. <see cref="Key"/> and <see cref="Value"/> are valid until the next move.</summary>
internal interface IKeyValueCursor : IDisposable
{
    bool Valid { get; }

    ReadOnlySpan<byte> Key { get; }

    ReadOnlySpan<byte> Value { get; }

    void Seek(ReadOnlySpan<byte> key);

    void SeekToFirst();

    void Next();
}

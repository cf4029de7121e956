namespace GovChain.Storage.Engine;

/// <summary>Operations recorded for <see cref="MemoryKeyValueStore.Write"/>, copied so callers may reuse their buffers.</summary>
internal sealed class MemoryWriteBatch : IKeyValueBatch
{
    internal enum OpKind
    {
        Put,
        Delete,
        DeleteRange,
    }

    internal readonly record struct Op(OpKind Kind, Column Column, byte[] Key, byte[] Value);

    private readonly List<Op> _operations = [];

    internal IReadOnlyList<Op> Operations => _operations;

    public int Count => _operations.Count;

    public long ByteSize { get; private set; }

    public void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Add(new Op(OpKind.Put, column, key.ToArray(), value.ToArray()));

    public void Delete(Column column, ReadOnlySpan<byte> key) => Add(new Op(OpKind.Delete, column, key.ToArray(), []));

    /// <summary>The end key travels in <see cref="Op.Value"/>.</summary>
    public void DeleteRange(Column column, ReadOnlySpan<byte> start, ReadOnlySpan<byte> end) =>
        Add(new Op(OpKind.DeleteRange, column, start.ToArray(), end.ToArray()));

    public void Dispose() => _operations.Clear();

    private void Add(Op op)
    {
        _operations.Add(op);
        ByteSize += op.Key.Length + op.Value.Length;
    }
}

namespace GovChain.Core.State;

/// <summary>Reads pending writes first, then the committed state beneath them.</summary>
public sealed class LayeredStateReader : IStateReader
{
    private readonly StateChanges _pending;
    private readonly IStateReader _committed;

    public LayeredStateReader(StateChanges pending, IStateReader committed)
    {
        _pending = pending;
        _committed = committed;
    }

    public byte[]? Get(ReadOnlySpan<byte> key) =>
        _pending.TryGetWrite(key, out var value) ? value : _committed.Get(key);
}

using System.Diagnostics.CodeAnalysis;

namespace GovChain.Core.State;

/// <summary>One write of a block: a value for a key, or its deletion (<see cref="Value"/> null).</summary>
[SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "Raw state bytes; copies would cost on the hot path.")]
public readonly record struct StateChange(byte[] Key, byte[]? Value);

/// <summary>
/// The writes of a block or transaction, last write per key wins, handed out in ascending key
/// order so every node applies them identically.
/// </summary>
public sealed class StateChanges : IStateReader
{
    private readonly SortedDictionary<byte[], byte[]?> _writes = new(ByteArrayComparer.Instance);

    public int Count => _writes.Count;

    public void Set(byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _writes[key] = value;
    }

    public void Delete(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _writes[key] = null;
    }

    /// <summary>True when this change set writes or deletes <paramref name="key"/>; <paramref name="value"/> is null for a deletion.</summary>
    public bool TryGetWrite(ReadOnlySpan<byte> key, out byte[]? value) => _writes.TryGetValue(key.ToArray(), out value);

    /// <summary>Overlays <paramref name="later"/> on top of these writes.</summary>
    public void Apply(StateChanges later)
    {
        ArgumentNullException.ThrowIfNull(later);
        foreach (var (key, value) in later._writes)
        {
            _writes[key] = value;
        }
    }

    public IEnumerable<StateChange> Sorted()
    {
        foreach (var (key, value) in _writes)
        {
            yield return new StateChange(key, value);
        }
    }

    byte[]? IStateReader.Get(ReadOnlySpan<byte> key) => _writes.TryGetValue(key.ToArray(), out var v) ? v : null;
}

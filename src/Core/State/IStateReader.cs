namespace GovChain.Core.State;

/// <summary>
/// Read access to the key-value state at one committed height. Contracts see the state only
/// through this (and an overlay of their own pending writes); the node backs it with the
/// authenticated store. There are deliberately no range scans: contracts keep explicit index
/// records, which keeps execution deterministic and every read provable.
/// </summary>
public interface IStateReader
{
    /// <summary>The value stored at <paramref name="key"/>, or null when absent.</summary>
    byte[]? Get(ReadOnlySpan<byte> key);
}

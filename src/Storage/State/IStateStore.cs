using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Protocol;

namespace GovChain.Storage.State;

/// <summary>
/// The authenticated, versioned key-value state. Version h is the state after block h
/// (version 0 is the genesis state). Changes enter only through <see cref="Prepare"/> and the
/// block store's append, in the same write batch as their block.
/// </summary>
public interface IStateStore
{
    /// <summary>The latest committed version (equals the block store's last height).</summary>
    ulong Height { get; }

    /// <summary>The state root at <see cref="Height"/>.</summary>
    Hash32 Root { get; }

    /// <summary>True once the genesis state (or any block) is written: a database past this point is not fresh.</summary>
    bool HasGenesis { get; }

    /// <summary>The oldest version still readable; older ones were pruned.</summary>
    ulong OldestHeight { get; }

    /// <summary>The state root at <paramref name="height"/>.</summary>
    Hash32 GetRoot(ulong height);

    /// <summary>A reader of the state at <paramref name="height"/>; it throws once that height is pruned.</summary>
    IStateReader At(ulong height);

    /// <summary>A reader of the state at the current <see cref="Height"/> (it stays at that height).</summary>
    IStateReader Latest();

    /// <summary>
    /// Applies <paramref name="changes"/> on top of the latest state without writing anything and
    /// returns the resulting root with everything the commit needs. <paramref name="height"/>
    /// must be <see cref="Height"/> + 1, or 0 for the genesis state of a database without blocks
    /// (preparing it again once written lets a restarted node compare it with what it holds).
    /// </summary>
    PreparedState Prepare(ulong height, StateChanges changes);

    /// <summary>Writes the genesis state (a <see cref="Prepare"/> at height 0), once, before any block.</summary>
    void CommitGenesis(PreparedState genesis);

    /// <summary>A proof of the value of <paramref name="key"/> (or of its absence) at <paramref name="height"/>, verifiable with <see cref="StateProofVerifier"/>.</summary>
    StateProof Prove(ReadOnlySpan<byte> key, ulong height);

    /// <summary>Every (key, value) of the state at <paramref name="height"/>, in key-hash order, from one consistent snapshot.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate(ulong height);
}

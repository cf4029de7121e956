using GovChain.Core.State;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Contracts.Engine;

/// <summary>
/// A validator-set change decided by an executed governance proposal: consensus switches to
/// <see cref="Validators"/> for every height from <see cref="EffectiveFromHeight"/> on
/// (the executing block's height plus 2, so the next block is still certified by the
/// set that agreed on it).
/// </summary>
public sealed record ValidatorSetUpdate(ulong EffectiveFromHeight, WeightedValidatorSet Validators);

/// <summary>
/// Everything a block's execution produced. The node commits <see cref="Changes"/> with the
/// block and its receipts in one write, and hashes the receipts into the header.
/// </summary>
public sealed class BlockExecutionResult
{
    internal BlockExecutionResult(IReadOnlyList<Receipt> receipts, StateChanges changes, ValidatorSetUpdate? validatorUpdate)
    {
        Receipts = receipts;
        Changes = changes;
        ValidatorUpdate = validatorUpdate;
    }

    /// <summary>One receipt per transaction, in block order, with height and index set.</summary>
    public IReadOnlyList<Receipt> Receipts { get; }

    /// <summary>The writes of every successful transaction, plus every consumed nonce.</summary>
    public StateChanges Changes { get; }

    /// <summary>Set when a governance proposal executed in this block changed validators or power.</summary>
    public ValidatorSetUpdate? ValidatorUpdate { get; }

    /// <summary>The events of all successful transactions, in block order.</summary>
    public IEnumerable<Event> Events => Receipts.SelectMany(r => r.Events);
}

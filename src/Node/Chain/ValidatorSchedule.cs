using System.Diagnostics.CodeAnalysis;
using GovChain.Contracts.Engine;
using GovChain.Core.Genesis;
using GovChain.Core.Validators;
using GovChain.Storage.State;

namespace GovChain.Node.Chain;

/// <summary>
/// The validator set that certifies each height, derived from the committed state. A change
/// executed in block h takes effect at h + 2, and the state keeps the latest change (effective
/// height and set), so the set of height h is the one recorded in the state after block h - 2:
/// any change recorded there is effective at h or earlier, and no later block can change h's set.
/// </summary>
public sealed class ValidatorSchedule
{
    private const int CacheBound = 64;

    private readonly IStateStore _state;
    private readonly WeightedValidatorSet _genesis;
    private readonly Dictionary<ulong, WeightedValidatorSet> _cache = [];
    private readonly Lock _gate = new();

    public ValidatorSchedule(IStateStore state, GenesisDocument genesis)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(genesis);
        _state = state;
        _genesis = genesis.Validators;
    }

    /// <summary>
    /// The set certifying <paramref name="height"/>, when this node can still derive it: false
    /// for height 0, a height beyond the last committed + 2, or one whose state this node has
    /// pruned. For heights named by peers (evidence), where <see cref="For"/> throws.
    /// </summary>
    public bool TryFor(ulong height, [NotNullWhen(true)] out WeightedValidatorSet? set)
    {
        set = null;
        if (height == 0)
        {
            return false;
        }

        // By the state's bounds alone, not the cache: nodes that keep the same heights answer alike.
        if (height > 2 && (height - 2 > _state.Height || height - 2 < _state.OldestHeight))
        {
            return false;
        }

        set = For(height);
        return true;
    }

    /// <summary>
    /// The set certifying <paramref name="height"/> (at least 1); known for every height up to
    /// the last committed height + 2.
    /// </summary>
    public WeightedValidatorSet For(ulong height)
    {
        ArgumentOutOfRangeException.ThrowIfZero(height);
        if (height <= 2)
        {
            return _genesis;
        }

        var version = height - 2;
        if (version > _state.Height)
        {
            throw new InvalidOperationException($"The validator set of height {height} is not known yet: the state is at {_state.Height}.");
        }

        lock (_gate)
        {
            if (_cache.TryGetValue(height, out var cached))
            {
                return cached;
            }
        }

        var update = ContractEngine.LatestValidatorUpdate(_state.At(version));
        var set = update?.Validators ?? _genesis;
        lock (_gate)
        {
            if (_cache.Count >= CacheBound)
            {
                _cache.Remove(_cache.Keys.Min());
            }

            _cache[height] = set;
        }

        return set;
    }
}

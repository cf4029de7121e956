using Google.Protobuf;
using GovChain.Contracts;
using GovChain.Contracts.Engine;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;
using GovChain.Storage;

namespace GovChain.Grpc.ClientApi;

/// <summary>
/// Finds the validator set a header names by hash, for proofs. A set change decided in block
/// e takes effect at e + 2, so the set of block h is the genesis one or the departments'
/// set in the state after h - 2 (h - 1 and h are tried too, for robustness). Found sets are
/// cached by hash, within a bound.
/// </summary>
internal sealed class ValidatorSetResolver
{
    private readonly NodeDatabase _db;
    private readonly ContractEngine _engine;
    private readonly int _capacity;
    private readonly Dictionary<Hash32, WeightedValidatorSet> _cache = [];
    private readonly Lock _gate = new();
    private readonly WeightedValidatorSet _genesis;

    public ValidatorSetResolver(NodeDatabase db, ContractEngine engine, GenesisDocument genesis, int capacity)
    {
        _db = db;
        _engine = engine;
        _capacity = capacity;
        _genesis = genesis.Validators;
    }

    public WeightedValidatorSet? Find(BlockHeader header)
    {
        if (!Hash32.TryFrom(header.ValidatorSetHash.Span, out var wanted))
        {
            return null;
        }

        if (wanted == _genesis.Hash)
        {
            return _genesis;
        }

        lock (_gate)
        {
            if (_cache.TryGetValue(wanted, out var known))
            {
                return known;
            }
        }

        var h = header.Height;
        foreach (var stateHeight in new[] { h >= 2 ? h - 2 : 0, h - 1, h })
        {
            if (stateHeight < _db.State.OldestHeight || stateHeight > _db.State.Height)
            {
                continue;
            }

            var result = _engine.Query(_db.State.At(stateHeight), ContractNames.System, SystemMethods.GetValidators, ByteString.Empty);
            if (!result.IsSuccess || result.Result.IsEmpty)
            {
                continue;
            }

            var set = WeightedValidatorSet.FromProto(ValidatorSet.Parser.ParseFrom(result.Result));
            if (set.Hash == wanted)
            {
                Remember(set);
                return set;
            }
        }

        return null;
    }

    private void Remember(WeightedValidatorSet set)
    {
        lock (_gate)
        {
            if (_cache.Count >= _capacity)
            {
                // Sets change rarely; starting over is simpler than an LRU and stays bounded.
                _cache.Clear();
            }

            _cache[set.Hash] = set;
        }
    }
}

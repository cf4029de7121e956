using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.Validators;

/// <summary>
/// An immutable validator set in canonical order (ascending public key), with its total
/// power, the quorum (more than 2/3 of the power) and its hash.
/// </summary>
public sealed class WeightedValidatorSet
{
    private readonly Validator[] _validators;
    private readonly Dictionary<Hash32, int> _indexByKey;

    public WeightedValidatorSet(IEnumerable<Validator> validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        _validators = validators.Select(v => v.Clone()).ToArray();
        if (_validators.Length == 0)
        {
            throw new ArgumentException("A validator set needs at least one validator.", nameof(validators));
        }

        foreach (var v in _validators)
        {
            if (v.PublicKey.Length != Ed25519.PublicKeySize)
            {
                throw new ArgumentException($"Validator '{v.DepartmentId}' has a {v.PublicKey.Length}-byte key; Ed25519 keys are 32 bytes.", nameof(validators));
            }

            if (v.VotingPower == 0)
            {
                throw new ArgumentException($"Validator '{v.DepartmentId}' has no voting power.", nameof(validators));
            }
        }

        Array.Sort(_validators, static (a, b) => a.PublicKey.Span.SequenceCompareTo(b.PublicKey.Span));
        _indexByKey = new Dictionary<Hash32, int>(_validators.Length);
        ulong total = 0;
        for (var i = 0; i < _validators.Length; i++)
        {
            if (!_indexByKey.TryAdd(new Hash32(_validators[i].PublicKey.Span), i))
            {
                throw new ArgumentException($"Validator key of '{_validators[i].DepartmentId}' appears twice.", nameof(validators));
            }

            total = checked(total + _validators[i].VotingPower);
        }

        if (total > long.MaxValue / 4)
        {
            throw new ArgumentException("Total voting power is too large.", nameof(validators));
        }

        TotalPower = total;
        QuorumPower = (total * 2 / 3) + 1;
        var proto = ToProto();
        Hash = Hashes.Tagged(HashDomain.ValidatorSet, proto.ToByteArray());
    }

    public static WeightedValidatorSet FromProto(ValidatorSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new WeightedValidatorSet(set.Validators);
    }

    public int Count => _validators.Length;

    public IReadOnlyList<Validator> Validators => _validators;

    public ulong TotalPower { get; }

    /// <summary>Smallest power that is more than 2/3 of the total.</summary>
    public ulong QuorumPower { get; }

    /// <summary>Largest power that can be faulty: any set with more than this is not all faulty.</summary>
    public ulong MaxFaultyPower => TotalPower - QuorumPower;

    public Hash32 Hash { get; }

    public Validator this[int index] => _validators[index];

    public bool TryGetIndex(ReadOnlySpan<byte> publicKey, out int index)
    {
        index = -1;
        return publicKey.Length == Hash32.Size && _indexByKey.TryGetValue(new Hash32(publicKey), out index);
    }

    public bool TryGetIndex(in Hash32 publicKey, out int index) => _indexByKey.TryGetValue(publicKey, out index);

    public bool Contains(ReadOnlySpan<byte> publicKey) => TryGetIndex(publicKey, out _);

    public bool HasQuorum(ulong power) => power >= QuorumPower;

    public ValidatorSet ToProto()
    {
        var set = new ValidatorSet();
        set.Validators.AddRange(_validators.Select(v => v.Clone()));
        return set;
    }
}

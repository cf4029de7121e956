using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>What adding a vote to a <see cref="VoteSet"/> did.</summary>
internal enum VoteAddResult
{
    Added,
    Duplicate,
    Conflict,
}

/// <summary>
/// The votes of one type (prevote or precommit) at one height and round, with the voting
/// power behind each block hash (nil included). A validator's first vote is its vote; an
/// equivocating validator's second, different vote is kept too and counts for its own hash,
/// as the protocol counts signed messages: a validator that signed both is in both tallies
/// (quorums still cannot conflict while at most a third is faulty), and the proofs of lock
/// and certificates others assemble from its votes stay checkable here. Any further votes
/// of that validator are ignored. Tallies live in small lists scanned in order: no
/// dictionary iteration, so results never depend on hashing order.
/// </summary>
internal sealed class VoteSet
{
    private readonly WeightedValidatorSet _validators;
    private readonly Vote?[] _votes;
    private readonly Vote?[] _conflicting;
    private readonly List<Tally> _tallies = new(4);

    public VoteSet(WeightedValidatorSet validators)
    {
        _validators = validators;
        _votes = new Vote?[validators.Count];
        _conflicting = new Vote?[validators.Count];
    }

    /// <summary>Power of every validator that voted, whatever for.</summary>
    public ulong TotalVoted { get; private set; }

    public Vote? this[int validatorIndex] => _votes[validatorIndex];

    /// <summary>
    /// Adds the (already verified) vote of validator <paramref name="index"/>. A second
    /// different vote is not counted and returned in <paramref name="existing"/>.
    /// </summary>
    public VoteAddResult Add(int index, Vote vote, out Vote? existing)
    {
        existing = _votes[index];
        if (existing is not null)
        {
            return existing.BlockHash.Span.SequenceEqual(vote.BlockHash.Span) ? VoteAddResult.Duplicate : VoteAddResult.Conflict;
        }

        _votes[index] = vote;
        var power = _validators[index].VotingPower;
        TotalVoted += power;
        AddToTally(KeyOf(vote), power);
        return VoteAddResult.Added;
    }

    /// <summary>Keeps the second, different vote of an equivocating validator (only one such).</summary>
    public bool AddConflicting(int index, Vote vote)
    {
        if (_conflicting[index] is not null || _votes[index] is null)
        {
            return false;
        }

        _conflicting[index] = vote;
        AddToTally(KeyOf(vote), _validators[index].VotingPower);
        return true;
    }

    private void AddToTally(TallyKey key, ulong power)
    {
        for (var i = 0; i < _tallies.Count; i++)
        {
            if (_tallies[i].Key == key)
            {
                _tallies[i] = _tallies[i] with { Power = _tallies[i].Power + power };
                return;
            }
        }

        _tallies.Add(new Tally(key, power));
    }

    /// <summary>True when the exact same vote (same content and signature) is already held, so it needs no second check.</summary>
    public bool HoldsIdentical(int index, Vote vote) => Same(_votes[index], vote) || Same(_conflicting[index], vote);

    private static bool Same(Vote? held, Vote vote) =>
        held is not null && held.BlockHash.Equals(vote.BlockHash) && held.Signature.Equals(vote.Signature);

    /// <summary>Power behind <paramref name="blockHash"/> (null: nil).</summary>
    public ulong PowerFor(Hash32? blockHash)
    {
        var key = new TallyKey(blockHash);
        foreach (var t in _tallies)
        {
            if (t.Key == key)
            {
                return t.Power;
            }
        }

        return 0;
    }

    public bool HasQuorumAny => _validators.HasQuorum(TotalVoted);

    public bool HasQuorumFor(Hash32? blockHash) => _validators.HasQuorum(PowerFor(blockHash));

    /// <summary>The non-nil block hash with a quorum, if any (there is at most one while at most a third is faulty).</summary>
    public Hash32? QuorumBlock()
    {
        foreach (var t in _tallies)
        {
            if (!t.Key.IsNil && _validators.HasQuorum(t.Power))
            {
                return t.Key.Hash;
            }
        }

        return null;
    }

    /// <summary>The votes for <paramref name="blockHash"/>, in canonical validator order.</summary>
    public List<Vote> VotesFor(Hash32 blockHash)
    {
        var list = new List<Vote>();
        for (var i = 0; i < _votes.Length; i++)
        {
            if (_votes[i] is { } v && blockHash.Equals(v.BlockHash.Span))
            {
                list.Add(v);
            }
            else if (_conflicting[i] is { } c && blockHash.Equals(c.BlockHash.Span))
            {
                list.Add(c);
            }
        }

        return list;
    }

    private static TallyKey KeyOf(Vote vote) =>
        vote.BlockHash.IsEmpty ? new TallyKey(null) : new TallyKey(new Hash32(vote.BlockHash.Span));

    private readonly record struct TallyKey(Hash32? Hash)
    {
        public bool IsNil => Hash is null;
    }

    private readonly record struct Tally(TallyKey Key, ulong Power);
}

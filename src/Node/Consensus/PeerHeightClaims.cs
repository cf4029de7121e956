using GovChain.Core.Hashing;
using GovChain.Core.Validators;

namespace GovChain.Node.Consensus;

/// <summary>
/// The heights peers say they have committed, as hints for block sync. A report proves
/// nothing, so a claim keeps counting only while its peer backs it: a peer that claims to be
/// ahead through <c>maxStrikes</c> block-sync passes that bring nothing has its claims
/// ignored for a suspension period; serving a block that verifies clears its record.
/// </summary>
internal sealed class PeerHeightClaims
{
    private readonly Dictionary<Hash32, Claim> _claims = [];
    private readonly int _maxPeers;
    private readonly int _maxStrikes;
    private readonly TimeSpan _suspension;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public PeerHeightClaims(int maxPeers, int maxStrikes, TimeSpan suspension, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPeers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStrikes, 1);
        _maxPeers = maxPeers;
        _maxStrikes = maxStrikes;
        _suspension = suspension;
        _time = time;
    }

    /// <summary>Records the peer's latest report (a wiped peer reports lower); true when the claim counts.</summary>
    public bool Report(Hash32 peer, ulong height)
    {
        lock (_gate)
        {
            if (!_claims.TryGetValue(peer, out var claim))
            {
                if (_claims.Count >= _maxPeers)
                {
                    return false;
                }

                claim = new Claim();
                _claims[peer] = claim;
            }

            claim.Height = height;
            return Counts(claim);
        }
    }

    /// <summary>The highest height claimed by a peer whose claims count.</summary>
    public ulong Highest()
    {
        ulong highest = 0;
        lock (_gate)
        {
            foreach (var claim in _claims.Values)
            {
                if (Counts(claim))
                {
                    highest = Math.Max(highest, claim.Height);
                }
            }
        }

        return highest;
    }

    /// <summary>
    /// The voting power in <paramref name="validators"/> of the peers whose counted claims are
    /// above <paramref name="height"/>, and the highest of those claims. Power, not the number
    /// of claims, is what a claim is worth: more than the set's faulty power proves an honest
    /// validator among the claimers.
    /// </summary>
    public (ulong Power, ulong Highest) PowerAbove(ulong height, WeightedValidatorSet validators)
    {
        ulong power = 0;
        ulong highest = 0;
        lock (_gate)
        {
            foreach (var (peer, claim) in _claims)
            {
                if (claim.Height > height && Counts(claim) && validators.TryGetIndex(peer, out var index))
                {
                    power += validators[index].VotingPower;
                    highest = Math.Max(highest, claim.Height);
                }
            }
        }

        return (power, highest);
    }

    /// <summary>The peer served a block that verified: what it claims is worth acting on again.</summary>
    public void Served(Hash32 peer)
    {
        lock (_gate)
        {
            if (_claims.TryGetValue(peer, out var claim))
            {
                claim.Strikes = 0;
                claim.SuspendedAt = null;
            }
        }
    }

    /// <summary>
    /// A block-sync pass brought nothing while this node is at <paramref name="height"/>: every
    /// counted peer claiming more than the next height takes a strike. Returns the peers whose
    /// claims are ignored from now on, with the height they claimed.
    /// </summary>
    public List<(Hash32 Peer, ulong Height)> Fruitless(ulong height)
    {
        var suspended = new List<(Hash32, ulong)>();
        lock (_gate)
        {
            foreach (var (peer, claim) in _claims)
            {
                if (!Counts(claim) || claim.Height <= height + 1)
                {
                    continue;
                }

                if (++claim.Strikes >= _maxStrikes)
                {
                    claim.SuspendedAt = _time.GetTimestamp();
                    suspended.Add((peer, claim.Height));
                }
            }
        }

        return suspended;
    }

    public int MaxStrikes => _maxStrikes;

    private bool Counts(Claim claim)
    {
        if (claim.SuspendedAt is not { } at)
        {
            return true;
        }

        if (_time.GetElapsedTime(at) < _suspension)
        {
            return false;
        }

        claim.SuspendedAt = null;
        claim.Strikes = 0;
        return true;
    }

    private sealed class Claim
    {
        public ulong Height;
        public int Strikes;
        public long? SuspendedAt;
    }
}

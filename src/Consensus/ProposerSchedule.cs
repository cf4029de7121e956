using System.Runtime.CompilerServices;
using GovChain.Core.Validators;

namespace GovChain.Consensus;

/// <summary>
/// Who proposes at a height and round: a round robin weighted by voting power, as a pure
/// function of the validator set, the height and the round.
/// </summary>
/// <remarks>
/// The schedule is one cycle of priority accumulation (as CometBFT and smooth weighted round
/// robin do it): each step every validator's priority grows by its weight, the highest
/// priority proposes (ties to the lower canonical index) and pays back the total weight. Over
/// one cycle of total-weight steps each validator proposes exactly weight times, evenly
/// spread, and the priorities return to zero, so slot (height + round) mod cycle needs no
/// state carried across heights. Weights are the voting powers, scaled down when the total
/// exceeds <see cref="MaxCycleLength"/> so the cycle stays small (each validator keeps at
/// least one slot).
/// </remarks>
public sealed class ProposerSchedule
{
    public const int MaxCycleLength = 4096;

    private static readonly ConditionalWeakTable<WeightedValidatorSet, ProposerSchedule> Cache = new();

    private readonly int[] _cycle;

    private ProposerSchedule(WeightedValidatorSet validators)
    {
        var n = validators.Count;
        var weights = new long[n];
        long total = 0;
        for (var i = 0; i < n; i++)
        {
            var power = validators[i].VotingPower;
            weights[i] = validators.TotalPower <= MaxCycleLength
                ? (long)power
                : Math.Max(1L, (long)((UInt128)power * (ulong)Math.Max(MaxCycleLength - n, 1) / validators.TotalPower));
            total += weights[i];
        }

        _cycle = new int[total];
        var priority = new long[n];
        for (var slot = 0; slot < total; slot++)
        {
            var best = 0;
            for (var i = 0; i < n; i++)
            {
                priority[i] += weights[i];
                if (priority[i] > priority[best])
                {
                    best = i;
                }
            }

            priority[best] -= total;
            _cycle[slot] = best;
        }
    }

    /// <summary>The schedule of <paramref name="validators"/> (computed once per set instance).</summary>
    public static ProposerSchedule For(WeightedValidatorSet validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        return Cache.GetValue(validators, static v => new ProposerSchedule(v));
    }

    public int CycleLength => _cycle.Length;

    /// <summary>Canonical index (in the validator set) of the proposer of <paramref name="height"/> and <paramref name="round"/>.</summary>
    public int ProposerIndex(ulong height, uint round)
    {
        var length = (ulong)_cycle.Length;
        return _cycle[(int)(((height % length) + (round % length)) % length)];
    }
}

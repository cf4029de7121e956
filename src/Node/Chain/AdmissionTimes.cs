using System.Collections.Concurrent;
using GovChain.Core.Hashing;

namespace GovChain.Node.Chain;

/// <summary>
/// When this node admitted each pending transaction, so the commit can record the latency
/// from admission to commit. Bounded: beyond the bound new admissions are simply not timed.
/// </summary>
/// <remarks>
/// The size is kept in a separate counter because <see cref="ConcurrentDictionary{TKey,TValue}.Count"/>
/// takes every bucket lock: on the admission path it cost as much as half of all signature checks.
/// A slot is reserved before the add and given back when the add does not happen (a duplicate),
/// so neither the counter nor the dictionary passes the bound, however many threads admit at once.
/// </remarks>
public sealed class AdmissionTimes
{
    private readonly ConcurrentDictionary<Hash32, long> _admitted = new();
    private readonly TimeProvider _time;
    private readonly int _bound;
    private int _count;

    public AdmissionTimes(TimeProvider time, int bound)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        _time = time;
        _bound = bound;
    }

    public int Count => Volatile.Read(ref _count);

    public void Admitted(Hash32 txId)
    {
        // Reserve a slot with a compare-and-swap, so the count itself never passes the bound.
        var count = Volatile.Read(ref _count);
        while (true)
        {
            if (count >= _bound)
            {
                return;
            }

            var seen = Interlocked.CompareExchange(ref _count, count + 1, count);
            if (seen == count)
            {
                break;
            }

            count = seen;
        }

        if (!_admitted.TryAdd(txId, _time.GetTimestamp()))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Seconds since the transaction was admitted here, or null when it was not timed (admitted elsewhere, or over the bound).</summary>
    public double? Committed(Hash32 txId)
    {
        if (!_admitted.TryRemove(txId, out var started))
        {
            return null;
        }

        Interlocked.Decrement(ref _count);
        return _time.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Forgets transactions no longer pending (evicted as stale after a commit).</summary>
    public void Retain(Func<Hash32, bool> pending)
    {
        foreach (var id in _admitted.Keys)
        {
            if (!pending(id) && _admitted.TryRemove(id, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}

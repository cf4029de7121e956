using System.Collections.Concurrent;
using GovChain.Core.Hashing;

namespace GovChain.Node.Chain;

/// <summary>
/// When this node admitted each pending transaction, so the commit can record the latency
/// from admission to commit. Bounded: beyond the bound new admissions are simply not timed.
/// </summary>
public sealed class AdmissionTimes
{
    private readonly ConcurrentDictionary<Hash32, long> _admitted = new();
    private readonly TimeProvider _time;
    private readonly int _bound;

    public AdmissionTimes(TimeProvider time, int bound)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        _time = time;
        _bound = bound;
    }

    public int Count => _admitted.Count;

    public void Admitted(Hash32 txId)
    {
        if (_admitted.Count < _bound)
        {
            _admitted.TryAdd(txId, _time.GetTimestamp());
        }
    }

    /// <summary>Seconds since the transaction was admitted here, or null when it was not timed (admitted elsewhere, or over the bound).</summary>
    public double? Committed(Hash32 txId) =>
        _admitted.TryRemove(txId, out var started) ? _time.GetElapsedTime(started).TotalSeconds : null;

    /// <summary>Forgets transactions no longer pending (evicted as stale after a commit).</summary>
    public void Retain(Func<Hash32, bool> pending)
    {
        foreach (var id in _admitted.Keys)
        {
            if (!pending(id))
            {
                _admitted.TryRemove(id, out _);
            }
        }
    }
}

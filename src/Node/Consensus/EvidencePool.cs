using GovChain.Consensus;
using GovChain.Protocol;

namespace GovChain.Node.Consensus;

/// <summary>
/// Equivocation evidence waiting for a block: one canonical piece per offence, bounded, the
/// oldest dropped first. Offences committed blocks carried are remembered (within the
/// evidence age window) so a late copy is not proposed again. Thread-safe.
/// </summary>
/// <remarks>
/// The pool is a best-effort filter; what a block may carry is decided by
/// <see cref="Chain.BlockExecutor"/> against committed blocks, the same on every node.
/// </remarks>
public sealed class EvidencePool
{
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly List<(EvidenceOffence Offence, Evidence Evidence)> _pending = [];
    private readonly HashSet<EvidenceOffence> _pendingOffences = [];
    private readonly HashSet<EvidenceOffence> _committed = [];

    public EvidencePool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Pieces waiting, oldest first (a snapshot).</summary>
    public IReadOnlyList<Evidence> Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Select(p => p.Evidence).ToArray();
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Keeps the canonical form of <paramref name="evidence"/>; false (nothing kept) when it
    /// names no offence, or its offence is already pending or committed.
    /// </summary>
    public bool Add(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (!EvidenceOffence.TryFrom(evidence, out var offence))
        {
            return false;
        }

        var canonical = EvidenceCanonicalForm.Canonicalize(evidence);
        lock (_gate)
        {
            if (_committed.Contains(offence) || !_pendingOffences.Add(offence))
            {
                return false;
            }

            if (_pending.Count >= _capacity)
            {
                _pendingOffences.Remove(_pending[0].Offence);
                _pending.RemoveAt(0);
            }

            _pending.Add((offence, canonical));
            return true;
        }
    }

    /// <summary>
    /// A block was committed at <paramref name="height"/>: forgets the offences it carried
    /// (whichever pair of messages proved them) and the pieces too old for the next block.
    /// </summary>
    public void OnCommitted(ulong height, IReadOnlyList<Evidence> carried)
    {
        ArgumentNullException.ThrowIfNull(carried);
        var next = height + 1;
        lock (_gate)
        {
            foreach (var piece in carried)
            {
                if (EvidenceOffence.TryFrom(piece, out var offence))
                {
                    _committed.Add(offence);
                }
            }

            _committed.RemoveWhere(o => o.IsExpiredAt(next));
            if (_pending.RemoveAll(p => _committed.Contains(p.Offence) || p.Offence.IsExpiredAt(next)) > 0)
            {
                _pendingOffences.Clear();
                foreach (var (offence, _) in _pending)
                {
                    _pendingOffences.Add(offence);
                }
            }

            if (_committed.Count > 16 * _capacity)
            {
                // Only a cache: the block rules still refuse a repeat, so bounding it by forgetting is safe.
                _committed.Clear();
            }
        }
    }
}

using GovChain.Consensus;
using GovChain.Storage;
using GovChain.Storage.Blocks;

namespace GovChain.Node.Chain;

/// <summary>
/// The offences whose evidence committed blocks already carry, within the evidence age
/// window. It is derived from committed blocks only, so every node holding the same chain
/// answers the same: a block at height H may carry evidence of heights H -
/// <see cref="EvidenceOffence.MaxAgeHeights"/> .. H, and any earlier piece about such an
/// offence sits in a block of that range, which is all this index reads.
/// </summary>
/// <remarks>
/// It follows the store by itself (reading the evidence of blocks committed since it last
/// looked, never their transactions), so the commit path need not feed it. Used from the
/// consensus loop's thread only, like <see cref="BlockExecutor"/>.
/// </remarks>
public sealed class CommittedEvidenceIndex
{
    private readonly IBlockStore _blocks;
    private readonly Dictionary<EvidenceOffence, ulong> _committedAt = [];
    private ulong _indexedTo;

    public CommittedEvidenceIndex(IBlockStore blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        _blocks = blocks;
    }

    /// <summary>Offences currently indexed (those of the window ending at the last committed block).</summary>
    public int Count => _committedAt.Count;

    /// <summary>The height of the committed block that carried evidence of <paramref name="offence"/>, or null.</summary>
    public ulong? CommittedAt(EvidenceOffence offence)
    {
        CatchUp();
        return _committedAt.TryGetValue(offence, out var height) ? height : null;
    }

    private void CatchUp()
    {
        var last = _blocks.LastHeight;
        if (last == _indexedTo)
        {
            return;
        }

        if (last < _indexedTo)
        {
            // Not expected of an append-only store; start over rather than answer from blocks it no longer holds.
            _committedAt.Clear();
            _indexedTo = 0;
        }

        // Only blocks at or above the oldest admissible offence height for the next block can matter.
        var next = last + 1;
        var windowStart = next > EvidenceOffence.MaxAgeHeights ? next - EvidenceOffence.MaxAgeHeights : 1;
        for (var height = Math.Max(_indexedTo + 1, windowStart); height <= last; height++)
        {
            var evidence = _blocks.GetEvidence(height)
                ?? throw new StorageCorruptionException($"Committed block {height} is missing.");
            foreach (var piece in evidence)
            {
                if (EvidenceOffence.TryFrom(piece, out var offence))
                {
                    _committedAt.TryAdd(offence, height);
                }
            }
        }

        _indexedTo = last;
        if (_committedAt.Count > 0)
        {
            List<EvidenceOffence>? expired = null;
            foreach (var offence in _committedAt.Keys)
            {
                if (offence.IsExpiredAt(next))
                {
                    (expired ??= []).Add(offence);
                }
            }

            expired?.ForEach(o => _committedAt.Remove(o));
        }
    }
}

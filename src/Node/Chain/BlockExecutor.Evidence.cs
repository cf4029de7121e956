using Google.Protobuf.Collections;
using GovChain.Consensus;
using GovChain.Protocol;

namespace GovChain.Node.Chain;

/// <summary>
/// The rules that make each equivocation land in the chain exactly once: evidence in
/// canonical form, not too old, one piece per offence in a block, and no offence an earlier
/// block already carried. Proposals pick their evidence by the same rules blocks are held to.
/// </summary>
public sealed partial class BlockExecutor
{
    private CommittedEvidenceIndex? _committedEvidence;

    private CommittedEvidenceIndex CommittedEvidence => _committedEvidence ??= new CommittedEvidenceIndex(_db.Blocks);

    /// <summary>Null when every piece of a block's evidence may be committed at <paramref name="height"/>; else why not.</summary>
    private string? CheckBlockEvidence(RepeatedField<Evidence> evidence, ulong height)
    {
        if (evidence.Count == 0)
        {
            return null;
        }

        var offences = new HashSet<EvidenceOffence>();
        for (var i = 0; i < evidence.Count; i++)
        {
            var problem = CheckEvidence(evidence[i], height) ?? CheckAdmissible(evidence[i], height, offences);
            if (problem is not null)
            {
                return $"evidence {i}: {problem}";
            }
        }

        return null;
    }

    /// <summary>
    /// The pending evidence a proposal for <paramref name="height"/> carries: canonical, valid
    /// and admissible pieces, one per offence, at most <see cref="MaxEvidencePerBlock"/>.
    /// </summary>
    private List<Evidence> SelectEvidence(ulong height, IReadOnlyList<Evidence> pending)
    {
        var selected = new List<Evidence>();
        var offences = new HashSet<EvidenceOffence>();
        foreach (var piece in pending)
        {
            if (selected.Count == MaxEvidencePerBlock)
            {
                break;
            }

            var canonical = EvidenceCanonicalForm.Canonicalize(piece);
            if (CheckEvidence(canonical, height) is null && CheckAdmissible(canonical, height, offences) is null)
            {
                selected.Add(canonical);
            }
        }

        return selected;
    }

    /// <summary>The once-per-offence rules; adds the piece's offence to <paramref name="offencesInBlock"/> when it passes.</summary>
    private string? CheckAdmissible(Evidence evidence, ulong height, HashSet<EvidenceOffence> offencesInBlock)
    {
        if (!EvidenceOffence.TryFrom(evidence, out var offence))
        {
            return "names no offence";
        }

        if (!EvidenceCanonicalForm.IsCanonical(evidence))
        {
            return "its two messages are not in canonical order";
        }

        if (offence.IsExpiredAt(height))
        {
            return $"{offence} is older than {EvidenceOffence.MaxAgeHeights} heights";
        }

        if (CommittedEvidence.CommittedAt(offence) is { } committedAt)
        {
            return $"{offence} was already committed in block {committedAt}";
        }

        return offencesInBlock.Add(offence) ? null : $"{offence} appears twice in the block";
    }
}

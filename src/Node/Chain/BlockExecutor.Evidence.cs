using Google.Protobuf;
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

    /// <summary>
    /// Null when every piece of a block's evidence may be committed at <paramref name="height"/>; else why not.
    /// <paramref name="certified"/>: the block carries a certificate (decided, or fetched by
    /// block sync), so a piece whose validator set this node has pruned is taken on the word
    /// of the validators that certified it (more than a third of them honest, and those
    /// prevoted only for a block they checked in full).
    /// </summary>
    private string? CheckBlockEvidence(RepeatedField<Evidence> evidence, ulong height, bool certified)
    {
        if (evidence.Count == 0)
        {
            return null;
        }

        var offences = new HashSet<EvidenceOffence>();
        for (var i = 0; i < evidence.Count; i++)
        {
            var problem = CheckAdmissible(evidence[i], height, offences, out var offence)
                ?? CheckEvidence(evidence[i], offence, certified);
            if (problem is not null)
            {
                return $"evidence {i}: {problem}";
            }

            offences.Add(offence);
        }

        return null;
    }

    /// <summary>
    /// The pending evidence a proposal for <paramref name="height"/> carries: canonical, valid
    /// and admissible pieces, one per offence, at most <see cref="MaxEvidencePerBlock"/>. Their
    /// encoded bytes (with framing) are returned so the transactions fill only what is left.
    /// </summary>
    private List<Evidence> SelectEvidence(ulong height, IReadOnlyList<Evidence> pending, out long bytes)
    {
        var selected = new List<Evidence>();
        var offences = new HashSet<EvidenceOffence>();
        bytes = 0;
        foreach (var piece in pending)
        {
            if (selected.Count == MaxEvidencePerBlock)
            {
                break;
            }

            var canonical = EvidenceCanonicalForm.Canonicalize(piece);
            if (CheckAdmissible(canonical, height, offences, out var offence) is null
                && CheckEvidence(canonical, offence, certified: false) is null)
            {
                offences.Add(offence);
                selected.Add(canonical);
                bytes += EncodedInBlock(canonical);
            }
        }

        return selected;
    }

    /// <summary>Bytes a piece adds to its block's encoding: tag, length and the piece.</summary>
    private static long EncodedInBlock(Evidence piece)
    {
        var size = piece.CalculateSize();
        return 1 + CodedOutputStream.ComputeLengthSize(size) + size;
    }

    /// <summary>
    /// The once-per-offence rules, the cheap ones, checked before any signature or validator
    /// set: the age first, so evidence older than any node keeps is refused, not looked up.
    /// </summary>
    private string? CheckAdmissible(Evidence evidence, ulong height, HashSet<EvidenceOffence> offencesInBlock, out EvidenceOffence offence)
    {
        if (!EvidenceOffence.TryFrom(evidence, out offence))
        {
            return "names no offence";
        }

        if (offence.IsExpiredAt(height))
        {
            return $"{offence} is older than {EvidenceOffence.MaxAgeHeights} heights";
        }

        if (offence.Height == 0 || offence.Height > height)
        {
            return $"{offence} is of a height this block cannot know";
        }

        if (!EvidenceCanonicalForm.IsCanonical(evidence))
        {
            return "its two messages are not in canonical order";
        }

        if (CommittedEvidence.CommittedAt(offence) is { } committedAt)
        {
            return $"{offence} was already committed in block {committedAt}";
        }

        return offencesInBlock.Contains(offence) ? $"{offence} appears twice in the block" : null;
    }

    /// <summary>That the piece proves its offence: two different messages, both signed by a validator of the offence's height.</summary>
    private string? CheckEvidence(Evidence evidence, EvidenceOffence offence, bool certified)
    {
        if (!_validators.TryFor(offence.Height, out var set))
        {
            // Within the age window but below what this node keeps (it prunes state).
            return certified ? null : $"the validator set of height {offence.Height} is pruned on this node, so {offence} cannot be checked";
        }

        return EvidenceVerifier.Check(evidence, set, _genesis.SigningChainId, Ed25519SignatureVerifier.Instance);
    }
}

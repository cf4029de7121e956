using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// The one order in which a piece of evidence may hold its two conflicting messages: the
/// message whose signed content sorts first (block hash, then proof-of-lock round for
/// proposals, then signature) comes first. Two honest nodes that received the same two
/// messages in opposite orders thus build byte-identical evidence with one hash.
/// </summary>
/// <remarks>
/// Blocks must carry evidence in this form (a validator rejects any other) rather than
/// being canonicalised before hashing: the evidence root in the header is a hash over the
/// pieces exactly as carried, and keeping it so leaves one obvious encoding of a block.
/// </remarks>
public static class EvidenceCanonicalForm
{
    /// <summary>The same evidence with its two messages in canonical order (the same instance when already canonical).</summary>
    public static Evidence Canonicalize(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (Order(evidence) <= 0)
        {
            return evidence;
        }

        return evidence.KindCase switch
        {
            Evidence.KindOneofCase.DuplicateVote => new Evidence
            {
                DuplicateVote = new DuplicateVoteEvidence { VoteA = evidence.DuplicateVote.VoteB, VoteB = evidence.DuplicateVote.VoteA },
            },
            Evidence.KindOneofCase.DuplicateProposal => new Evidence
            {
                DuplicateProposal = new DuplicateProposalEvidence { ProposalA = evidence.DuplicateProposal.ProposalB, ProposalB = evidence.DuplicateProposal.ProposalA },
            },
            _ => evidence,
        };
    }

    /// <summary>True when the first message sorts strictly before the second.</summary>
    public static bool IsCanonical(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return Order(evidence) < 0;
    }

    /// <summary>Negative when the pair is in canonical order, positive when reversed, 0 when they cannot be ordered (missing or identical).</summary>
    private static int Order(Evidence evidence) => evidence.KindCase switch
    {
        Evidence.KindOneofCase.DuplicateVote => CompareVotes(evidence.DuplicateVote.VoteA, evidence.DuplicateVote.VoteB),
        Evidence.KindOneofCase.DuplicateProposal => CompareProposals(evidence.DuplicateProposal.ProposalA, evidence.DuplicateProposal.ProposalB),
        _ => 0,
    };

    private static int CompareVotes(Vote? a, Vote? b)
    {
        if (a is null || b is null)
        {
            return 0;
        }

        var c = a.BlockHash.Span.SequenceCompareTo(b.BlockHash.Span);
        return c != 0 ? c : a.Signature.Span.SequenceCompareTo(b.Signature.Span);
    }

    private static int CompareProposals(SignedProposalDigest? a, SignedProposalDigest? b)
    {
        if (a is null || b is null)
        {
            return 0;
        }

        var c = a.BlockHash.Span.SequenceCompareTo(b.BlockHash.Span);
        if (c == 0)
        {
            c = a.PolRound.CompareTo(b.PolRound);
        }

        return c != 0 ? c : a.Signature.Span.SequenceCompareTo(b.Signature.Span);
    }
}

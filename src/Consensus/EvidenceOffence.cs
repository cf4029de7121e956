using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>What a validator signed twice: a proposal, a prevote or a precommit.</summary>
public enum EquivocationStep
{
    Proposal = 0,
    Prevote = 1,
    Precommit = 2,
}

/// <summary>
/// One offence: a validator signing two different messages for one height, round and step.
/// However many conflicting pairs of messages prove it, and in whichever order each honest
/// node received them, the chain punishes an offence once: this is the key that makes pieces
/// of evidence about the same offence equal.
/// </summary>
public readonly record struct EvidenceOffence(Hash32 Validator, ulong Height, uint Round, EquivocationStep Step)
{
    /// <summary>
    /// How many heights evidence stays admissible: a block at height H accepts evidence of
    /// offences at heights H - MaxAgeHeights .. H. The bound is what lets a node answer
    /// "already committed?" from the last MaxAgeHeights blocks alone.
    /// </summary>
    public const ulong MaxAgeHeights = 1000;

    /// <summary>
    /// The offence a piece of evidence is about, read from its first message; false when the
    /// evidence is too malformed to name one (no messages, a key of the wrong size, an unknown
    /// vote type). Whether both messages agree is <see cref="EvidenceVerifier"/>'s concern.
    /// </summary>
    public static bool TryFrom(Evidence evidence, out EvidenceOffence offence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        offence = default;
        switch (evidence.KindCase)
        {
            case Evidence.KindOneofCase.DuplicateVote when evidence.DuplicateVote.VoteA is { } vote:
                if (vote.Validator.Length != Hash32.Size || vote.Type is not (VoteType.Prevote or VoteType.Precommit))
                {
                    return false;
                }

                var step = vote.Type == VoteType.Prevote ? EquivocationStep.Prevote : EquivocationStep.Precommit;
                offence = new EvidenceOffence(new Hash32(vote.Validator.Span), vote.Height, vote.Round, step);
                return true;

            case Evidence.KindOneofCase.DuplicateProposal when evidence.DuplicateProposal.ProposalA is { } proposal:
                if (proposal.Proposer.Length != Hash32.Size)
                {
                    return false;
                }

                offence = new EvidenceOffence(new Hash32(proposal.Proposer.Span), proposal.Height, proposal.Round, EquivocationStep.Proposal);
                return true;

            default:
                return false;
        }
    }

    /// <summary>True when a block at <paramref name="blockHeight"/> may no longer carry evidence of this offence.</summary>
    public bool IsExpiredAt(ulong blockHeight) => blockHeight > MaxAgeHeights && Height < blockHeight - MaxAgeHeights;

    public override string ToString() => $"{Step} of {Validator.ToShortString()} at {Height}/{Round}";
}

using GovChain.Core.Blocks;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// Checks that a piece of equivocation evidence (as carried in a block) proves what it
/// claims: two different, validly signed votes — or proposals — of one validator of
/// <paramref name="validators"/> for the same height, round and step.
/// </summary>
public static class EvidenceVerifier
{
    /// <summary>
    /// Bound of one piece's encoding. Either kind holds two fixed-size signed statements (two
    /// keys, hashes and signatures, a few integers: under 400 bytes); anything larger carries
    /// bytes no signature covers, which a block has no reason to hold.
    /// </summary>
    public const int MaxEncodedBytes = 1024;

    /// <summary>Null when the evidence holds; otherwise why it does not.</summary>
    /// <param name="evidence">The evidence.</param>
    /// <param name="validators">The validator set of the height the evidence is about.</param>
    /// <param name="chainId">The chain the votes were signed for.</param>
    /// <param name="verifier">Signature verifier (Ed25519 in production).</param>
    public static string? Check(Evidence evidence, WeightedValidatorSet validators, string chainId, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
        if (evidence.CalculateSize() > MaxEncodedBytes)
        {
            return $"evidence encodes to more than {MaxEncodedBytes} bytes";
        }

        return evidence.KindCase switch
        {
            Evidence.KindOneofCase.DuplicateVote => CheckVotes(evidence.DuplicateVote, validators, chainId, verifier),
            Evidence.KindOneofCase.DuplicateProposal => CheckProposals(evidence.DuplicateProposal, validators, chainId, verifier),
            _ => "evidence of an unknown kind",
        };
    }

    private static string? CheckVotes(DuplicateVoteEvidence e, WeightedValidatorSet validators, string chainId, ISignatureVerifier verifier)
    {
        if (e.VoteA is not { } a || e.VoteB is not { } b)
        {
            return "duplicate-vote evidence needs two votes";
        }

        if (a.Type != b.Type || a.Height != b.Height || a.Round != b.Round || !a.Validator.Equals(b.Validator))
        {
            return "the votes are not of one validator for one height, round and step";
        }

        if (a.BlockHash.Equals(b.BlockHash))
        {
            return "the votes are for the same block";
        }

        if (!validators.Contains(a.Validator.Span))
        {
            return "the voter is not a validator of that height";
        }

        return SignedVote(a, chainId, verifier) && SignedVote(b, chainId, verifier) ? null : "a vote's signature does not verify";
    }

    private static string? CheckProposals(DuplicateProposalEvidence e, WeightedValidatorSet validators, string chainId, ISignatureVerifier verifier)
    {
        if (e.ProposalA is not { } a || e.ProposalB is not { } b)
        {
            return "duplicate-proposal evidence needs two signed proposals";
        }

        if (a.Height != b.Height || a.Round != b.Round || !a.Proposer.Equals(b.Proposer))
        {
            return "the proposals are not of one proposer for one height and round";
        }

        if (a.BlockHash.Equals(b.BlockHash) && a.PolRound == b.PolRound)
        {
            return "the proposals are the same";
        }

        if (!validators.Contains(a.Proposer.Span))
        {
            return "the proposer is not a validator of that height";
        }

        return ProposalDigests.IsSigned(a, chainId, verifier) && ProposalDigests.IsSigned(b, chainId, verifier)
            ? null
            : "a proposal's signature does not verify";
    }

    private static bool SignedVote(Vote vote, string chainId, ISignatureVerifier verifier)
    {
        if (vote.Type is not (VoteType.Prevote or VoteType.Precommit) || (vote.BlockHash.Length != 0 && vote.BlockHash.Length != 32))
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[SignBytes.MaxVoteSignBytes];
        var n = SignBytes.Vote(chainId, vote.Type, vote.Height, vote.Round, vote.BlockHash.Span, buffer);
        return verifier.Verify(vote.Validator.Span, buffer[..n], vote.Signature.Span);
    }
}

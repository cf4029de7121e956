using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// The signed part of a proposal without its block: what equivocation evidence carries. A
/// proposer signs the header hash, so the digest proves the signature as well as the whole
/// proposal does, at a size that no longer depends on the block.
/// </summary>
public static class ProposalDigests
{
    /// <summary>The digest of <paramref name="proposal"/>, whose block's header hashes to <paramref name="blockHash"/>.</summary>
    public static SignedProposalDigest Of(Proposal proposal, Hash32 blockHash)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return new SignedProposalDigest
        {
            Height = proposal.Height,
            Round = proposal.Round,
            PolRound = proposal.PolRound,
            BlockHash = ByteString.CopyFrom(blockHash.ToArray()),
            Proposer = proposal.Proposer,
            Signature = proposal.Signature,
        };
    }

    /// <summary>True when the digest has the sizes of a real one and its proposer signed it for <paramref name="chainId"/>.</summary>
    public static bool IsSigned(SignedProposalDigest digest, string chainId, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(verifier);
        if (digest.BlockHash.Length != Hash32.Size || digest.Proposer.Length != Hash32.Size || digest.Signature.Length != 64)
        {
            return false;
        }

        var bytes = SignBytes.Proposal(chainId, digest.Height, digest.Round, digest.PolRound, new Hash32(digest.BlockHash.Span));
        return verifier.Verify(digest.Proposer.Span, bytes, digest.Signature.Span);
    }
}

using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.Blocks;

/// <summary>Signing and checking votes and proposals.</summary>
public static class Votes
{
    public static Vote Sign(string chainId, VoteType type, ulong height, uint round, Hash32? blockHash, KeyPair signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var vote = new Vote
        {
            Type = type,
            Height = height,
            Round = round,
            BlockHash = blockHash is { } h ? ByteString.CopyFrom(h.ToArray()) : ByteString.Empty,
            Validator = ByteString.CopyFrom(signer.PublicKey),
        };
        vote.Signature = ByteString.CopyFrom(signer.Sign(SignBytes.Vote(chainId, vote)));
        return vote;
    }

    /// <summary>True when the vote is well formed and signed by its validator (membership is the caller's check).</summary>
    public static bool VerifySignature(string chainId, Vote vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        if (vote.Type is not (VoteType.Prevote or VoteType.Precommit)
            || (vote.BlockHash.Length != 0 && vote.BlockHash.Length != Hash32.Size)
            || vote.Validator.Length != Ed25519.PublicKeySize)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[SignBytes.MaxVoteSignBytes];
        var n = SignBytes.Vote(chainId, vote.Type, vote.Height, vote.Round, vote.BlockHash.Span, buffer);
        return Ed25519.Verify(vote.Validator.Span, buffer[..n], vote.Signature.Span);
    }

    public static Proposal SignProposal(string chainId, ulong height, uint round, int polRound, Block block, KeyPair signer)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(signer);
        var blockHash = block.Header.Hash();
        return new Proposal
        {
            Height = height,
            Round = round,
            PolRound = polRound,
            Block = block,
            Proposer = ByteString.CopyFrom(signer.PublicKey),
            Signature = ByteString.CopyFrom(signer.Sign(SignBytes.Proposal(chainId, height, round, polRound, blockHash))),
        };
    }

    public static bool VerifyProposalSignature(string chainId, Proposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        if (proposal.Block?.Header is null || proposal.Proposer.Length != Ed25519.PublicKeySize || proposal.PolRound < -1)
        {
            return false;
        }

        var bytes = SignBytes.Proposal(chainId, proposal.Height, proposal.Round, proposal.PolRound, proposal.Block.Header.Hash());
        return Ed25519.Verify(proposal.Proposer.Span, bytes, proposal.Signature.Span);
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.ByzantineNode;

/// <summary>
/// The second message a Byzantine validator signs for a step it has already signed: validly
/// signed with its own key, for the same height, round and step, for something else. Both
/// are deterministic (Ed25519 is), so a retransmission of the first yields the same twin.
/// </summary>
internal static class Equivocation
{
    /// <summary>
    /// Another vote for the same step: nil when the first names a block, and when the first is
    /// nil a block nobody proposed (its hash only has to differ; it can never gather a quorum).
    /// </summary>
    public static Vote ConflictingVote(Vote vote, string chainId, KeyPair key)
    {
        ArgumentNullException.ThrowIfNull(vote);
        Hash32? other = vote.BlockHash.IsEmpty ? PhantomBlockHash(vote.Height, vote.Round) : null;
        return Votes.Sign(chainId, vote.Type, vote.Height, vote.Round, other, key);
    }

    /// <summary>
    /// Another proposal for the same height and round: the same block one millisecond later,
    /// so its hash differs while it stays as plausible as the first.
    /// </summary>
    public static Proposal ConflictingProposal(Proposal proposal, string chainId, KeyPair key)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var block = proposal.Block.Clone();
        block.Header.TimeUnixMs += 1;
        return Votes.SignProposal(chainId, proposal.Height, proposal.Round, proposal.PolRound, block, key);
    }

    private static Hash32 PhantomBlockHash(ulong height, uint round)
    {
        Span<byte> seed = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(seed, height);
        BinaryPrimitives.WriteUInt32BigEndian(seed[8..], round);
        Span<byte> hash = stackalloc byte[Hash32.Size];
        SHA256.HashData(seed, hash);
        return new Hash32(hash);
    }
}

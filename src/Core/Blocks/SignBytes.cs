using System.Buffers.Binary;
using System.Text;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Core.Blocks;

/// <summary>
/// The canonical bytes validators sign for votes and proposals: a fixed layout, not
/// protobuf, so there is exactly one encoding per vote, and it starts with a domain tag so
/// a vote signature can never be replayed as a proposal or a transaction signature.
/// </summary>
public static class SignBytes
{
    /// <summary>
    /// The longest signing id: a chain id, '/', and the genesis hash in hex
    /// (<see cref="Genesis.GenesisDocument.SigningChainId"/>), so a vote binds the exact genesis.
    /// </summary>
    public const int MaxSigningIdBytes = TransactionVerifier.MaxChainIdBytes + 1 + (2 * Hash32.Size);

    // tag + signing-id length + signing id + type + height + round + hash length + hash
    public const int MaxVoteSignBytes = 1 + 1 + MaxSigningIdBytes + 1 + 8 + 4 + 1 + Hash32.Size;

    public static int Vote(string chainId, VoteType type, ulong height, uint round, ReadOnlySpan<byte> blockHash, Span<byte> destination)
    {
        var pos = WriteHeader(HashDomain.Vote, chainId, destination);
        destination[pos++] = (byte)type;
        BinaryPrimitives.WriteUInt64BigEndian(destination[pos..], height);
        pos += 8;
        BinaryPrimitives.WriteUInt32BigEndian(destination[pos..], round);
        pos += 4;
        pos = WriteHash(blockHash, destination, pos);
        return pos;
    }

    public static byte[] Vote(string chainId, Vote vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        Span<byte> buffer = stackalloc byte[MaxVoteSignBytes];
        var n = Vote(chainId, vote.Type, vote.Height, vote.Round, vote.BlockHash.Span, buffer);
        return buffer[..n].ToArray();
    }

    public static byte[] Proposal(string chainId, ulong height, uint round, int polRound, in Hash32 blockHash)
    {
        Span<byte> buffer = stackalloc byte[MaxVoteSignBytes + 4];
        var pos = WriteHeader(HashDomain.Proposal, chainId, buffer);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[pos..], height);
        pos += 8;
        BinaryPrimitives.WriteUInt32BigEndian(buffer[pos..], round);
        pos += 4;
        BinaryPrimitives.WriteInt32BigEndian(buffer[pos..], polRound);
        pos += 4;
        Span<byte> hash = stackalloc byte[Hash32.Size];
        blockHash.CopyTo(hash);
        pos = WriteHash(hash, buffer, pos);
        return buffer[..pos].ToArray();
    }

    private static int WriteHeader(HashDomain domain, string chainId, Span<byte> destination)
    {
        destination[0] = (byte)domain;
        var written = Encoding.UTF8.GetBytes(chainId, destination[2..(2 + MaxSigningIdBytes)]);
        destination[1] = (byte)written;
        return 2 + written;
    }

    private static int WriteHash(ReadOnlySpan<byte> hash, Span<byte> destination, int pos)
    {
        if (hash.Length != 0 && hash.Length != Hash32.Size)
        {
            throw new ArgumentException("A block hash is empty (nil) or 32 bytes.", nameof(hash));
        }

        destination[pos++] = (byte)hash.Length;
        hash.CopyTo(destination[pos..]);
        return pos + hash.Length;
    }
}

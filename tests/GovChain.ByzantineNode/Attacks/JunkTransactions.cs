using System.Buffers.Binary;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Protocol;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>
/// Transactions that are only bytes: a body that is no TransactionBody and a signature of
/// the right length that signs nothing. Deterministic in their seed, so a retransmission
/// carries the same ones.
/// </summary>
internal static class JunkTransactions
{
    /// <summary>Under the default per-transaction bound, so a size check per transaction alone lets them through.</summary>
    public const int BodyBytes = 60 * 1024;

    public static SignedTransaction Create(ulong height, uint round, int variant, int index)
    {
        var body = new byte[BodyBytes];
        Array.Fill(body, (byte)(0xA5 ^ variant));
        BinaryPrimitives.WriteUInt64BigEndian(body, height);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(8), round);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(12), variant);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(16), index);
        var signature = new byte[64];
        Array.Fill(signature, (byte)0x5A);
        return new SignedTransaction { Body = UnsafeByteOperations.UnsafeWrap(body), Signature = UnsafeByteOperations.UnsafeWrap(signature) };
    }

    /// <summary>Appends junk until the block's encoding reaches <paramref name="targetBytes"/>, and makes the header match the body.</summary>
    public static void Inflate(Block block, long targetBytes, int variant)
    {
        var header = block.Header;
        var index = 0;
        while (block.CalculateSize() < targetBytes)
        {
            block.Transactions.Add(Create(header.Height, 0, variant, index++));
        }

        CommitToBody(block);
    }

    /// <summary>Rewrites the header's tx count and root for the block's current transactions.</summary>
    public static void CommitToBody(Block block)
    {
        block.Header.TxCount = (uint)block.Transactions.Count;
        block.Header.TxRoot = ByteString.CopyFrom(BlockHashing.TxRoot(block.Transactions).ToArray());
    }
}

using System.Buffers.Binary;
using GovChain.Core.Hashing;

namespace GovChain.Storage.Blocks;

/// <summary>
/// The stored form of a block without its transactions (they are stored one per key, so a
/// transaction is read without its block): [block hash][certificate hash][u32 length]
/// [block without transactions][certificate]. The two hashes let a read check both parts.
/// </summary>
internal readonly ref struct BlockRecord
{
    private const int HeaderSize = (2 * Hash32.Size) + 4;

    public BlockRecord(Hash32 blockHash, Hash32 certificateHash, ReadOnlySpan<byte> skeleton, ReadOnlySpan<byte> certificate)
    {
        BlockHash = blockHash;
        CertificateHash = certificateHash;
        Skeleton = skeleton;
        Certificate = certificate;
    }

    public Hash32 BlockHash { get; }

    public Hash32 CertificateHash { get; }

    public ReadOnlySpan<byte> Skeleton { get; }

    public ReadOnlySpan<byte> Certificate { get; }

    public byte[] Encode()
    {
        var record = new byte[HeaderSize + Skeleton.Length + Certificate.Length];
        BlockHash.CopyTo(record);
        CertificateHash.CopyTo(record.AsSpan(Hash32.Size));
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(2 * Hash32.Size), (uint)Skeleton.Length);
        Skeleton.CopyTo(record.AsSpan(HeaderSize));
        Certificate.CopyTo(record.AsSpan(HeaderSize + Skeleton.Length));
        return record;
    }

    public static BlockRecord Decode(ReadOnlySpan<byte> record, ulong height)
    {
        if (record.Length < HeaderSize)
        {
            throw new StorageCorruptionException($"The record of block {height} is truncated.");
        }

        var skeletonLength = BinaryPrimitives.ReadUInt32BigEndian(record[(2 * Hash32.Size)..]);
        if (skeletonLength > (uint)(record.Length - HeaderSize))
        {
            throw new StorageCorruptionException($"The record of block {height} is malformed.");
        }

        var skeletonEnd = HeaderSize + (int)skeletonLength;
        return new BlockRecord(
            new Hash32(record[..Hash32.Size]),
            new Hash32(record.Slice(Hash32.Size, Hash32.Size)),
            record[HeaderSize..skeletonEnd],
            record[skeletonEnd..]);
    }
}

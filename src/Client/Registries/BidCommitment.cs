using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GovChain.Client.Registries;

/// <summary>
/// The sealed-bid commitment documented in procurement.proto: SHA-256 of "govchain.bid.v1" ‖
/// u32be(len tender id) ‖ tender id ‖ bidder key ‖ u64be(amount) ‖ salt. Computed on the
/// bidder's side, so the amount never leaves it before the reveal.
/// </summary>
public static class BidCommitment
{
    public const int MinSaltBytes = 16;
    public const int MaxSaltBytes = 64;

    public static byte[] Compute(string tenderId, ReadOnlySpan<byte> bidder, ulong amount, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(tenderId);
        ReadOnlySpan<byte> domain = "govchain.bid.v1"u8;
        var id = Encoding.UTF8.GetBytes(tenderId);
        var buffer = new byte[domain.Length + 4 + id.Length + bidder.Length + 8 + salt.Length];
        var offset = 0;
        domain.CopyTo(buffer);
        offset += domain.Length;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset), (uint)id.Length);
        offset += 4;
        id.CopyTo(buffer.AsSpan(offset));
        offset += id.Length;
        bidder.CopyTo(buffer.AsSpan(offset));
        offset += bidder.Length;
        BinaryPrimitives.WriteUInt64BigEndian(buffer.AsSpan(offset), amount);
        salt.CopyTo(buffer.AsSpan(offset + 8));
        return SHA256.HashData(buffer);
    }

    /// <summary>A fresh random salt: keep it with the amount until the reveal.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(32);
}

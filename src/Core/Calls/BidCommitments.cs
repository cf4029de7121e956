using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GovChain;

/// <summary>
/// The sealed-bid commitment (documented in procurement.proto): SHA-256 of
/// "govchain.bid.v1" ‖ u32be(len tender id) ‖ tender id ‖ bidder key ‖ u64be(amount) ‖ salt.
/// Binding the tender and the bidder stops a commitment being copied to another tender or
/// by another bidder.
/// </summary>
public static class BidCommitments
{
    public const int MinSaltBytes = 16;
    public const int MaxSaltBytes = 64;

    private static ReadOnlySpan<byte> Domain => "govchain.bid.v1"u8;

    public static byte[] Compute(string tenderId, ReadOnlySpan<byte> bidder, ulong amount, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(tenderId);
        var idBytes = Encoding.UTF8.GetBytes(tenderId);
        var buffer = new byte[Domain.Length + 4 + idBytes.Length + bidder.Length + 8 + salt.Length];
        var span = buffer.AsSpan();
        Domain.CopyTo(span);
        span = span[Domain.Length..];
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)idBytes.Length);
        span = span[4..];
        idBytes.CopyTo(span);
        span = span[idBytes.Length..];
        bidder.CopyTo(span);
        span = span[bidder.Length..];
        BinaryPrimitives.WriteUInt64BigEndian(span, amount);
        salt.CopyTo(span[8..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>A fresh random salt for a bidder's client (never used inside the engine).</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(32);
}

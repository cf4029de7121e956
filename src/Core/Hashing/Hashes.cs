using System.Buffers;
using System.Security.Cryptography;

namespace GovChain.Core.Hashing;

/// <summary>Domain-separated SHA-256.</summary>
public static class Hashes
{
    /// <summary>SHA-256(domain || data).</summary>
    public static Hash32 Tagged(HashDomain domain, ReadOnlySpan<byte> data)
    {
        const int StackLimit = 512;
        byte[]? rented = null;
        var length = data.Length + 1;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            buffer[0] = (byte)domain;
            data.CopyTo(buffer[1..]);
            return Plain(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>SHA-256(domain || left || right), for two-child tree nodes.</summary>
    public static Hash32 Tagged(HashDomain domain, in Hash32 left, in Hash32 right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Hash32.Size)];
        buffer[0] = (byte)domain;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Hash32.Size)..]);
        return Plain(buffer);
    }

    /// <summary>Untagged SHA-256, only for preimages that already begin with a domain byte.</summary>
    public static Hash32 Plain(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Hash32.Size];
        SHA256.HashData(data, digest);
        return new Hash32(digest);
    }
}

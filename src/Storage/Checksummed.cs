using System.Security.Cryptography;

namespace GovChain.Storage;

/// <summary>
/// Frames records that no hash of the chain covers whole (a transaction's signature is not in
/// its id; a receipt read alone is not checked against its block's receipts root) with the
/// first 8 bytes of their SHA-256, so damage is caught even where RocksDB's own block checksum
/// cannot see it (bad memory, the in-memory engine, a bug).
/// </summary>
internal static class Checksummed
{
    public const int Size = 8;

    public static byte[] Wrap(ReadOnlySpan<byte> payload)
    {
        var framed = new byte[Size + payload.Length];
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(payload, digest);
        digest[..Size].CopyTo(framed);
        payload.CopyTo(framed.AsSpan(Size));
        return framed;
    }

    /// <summary>Writes the checksum of <c>framed[Size..]</c> into <c>framed[..Size]</c>, framing a payload already in place.</summary>
    public static void Seal(Span<byte> framed)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(framed[Size..], digest);
        digest[..Size].CopyTo(framed);
    }

    public static ReadOnlySpan<byte> Unwrap(ReadOnlySpan<byte> framed, string what)
    {
        if (framed.Length < Size)
        {
            throw new StorageCorruptionException($"The stored {what} is truncated.");
        }

        var payload = framed[Size..];
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(payload, digest);
        return digest[..Size].SequenceEqual(framed[..Size])
            ? payload
            : throw new StorageCorruptionException($"The stored {what} fails its checksum.");
    }
}

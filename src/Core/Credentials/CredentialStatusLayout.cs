namespace GovChain.Core.Credentials;

/// <summary>
/// How the identity registry's revocation bits are laid out, shared by the contract that sets
/// them and the node that serves them as W3C Bitstring Status Lists. A credential's index is
/// assigned in issue order (from 1; 0 means none), so no two credentials share a bit and the
/// index is the same on every node. Each list holds 131,072 bits (16 KiB, the specification's
/// minimum for herd privacy); state keeps it in pages of 1,024 bits, so a revocation rewrites
/// 128 bytes, not 16 KiB.
/// </summary>
public static class CredentialStatusLayout
{
    public const int ListBits = 131_072;
    public const int PageBits = 1_024;
    public const int PageBytes = PageBits / 8;
    public const int PagesPerList = ListBits / PageBits;

    /// <summary>The list a status index belongs to.</summary>
    public static ulong ListOf(ulong statusIndex) => statusIndex / ListBits;

    /// <summary>The bit of the index inside its list (the entry's <c>statusListIndex</c>).</summary>
    public static int BitInList(ulong statusIndex) => (int)(statusIndex % ListBits);

    /// <summary>The state page holding the index's bit.</summary>
    public static ulong PageOf(ulong statusIndex) => statusIndex / PageBits;

    /// <summary>Sets the index's bit in its page: bit 0 is the left-most (most significant) bit, as the specification orders them.</summary>
    public static void SetBit(Span<byte> page, ulong statusIndex)
    {
        var bit = (int)(statusIndex % PageBits);
        page[bit / 8] |= (byte)(0x80 >> (bit % 8));
    }

    /// <summary>Whether the bit at <paramref name="bit"/> of a bitstring is set.</summary>
    public static bool IsSet(ReadOnlySpan<byte> bits, int bit) => (bits[bit / 8] & (0x80 >> (bit % 8))) != 0;
}

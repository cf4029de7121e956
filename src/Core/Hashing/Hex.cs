namespace GovChain.Core.Hashing;

/// <summary>Lower-case hex, the printable form of hashes and keys everywhere in GovChain.</summary>
public static class Hex
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Decode(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{Truncate(hex)}' is not a hex string.");
        }
    }

    public static bool TryDecode(string? hex, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(hex) || hex.Length % 2 != 0)
        {
            return false;
        }

        try
        {
            bytes = Decode(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Truncate(string s) => s.Length <= 20 ? s : s[..20] + "...";
}

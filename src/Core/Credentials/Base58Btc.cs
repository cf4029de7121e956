using System.Text;

namespace GovChain.Core.Credentials;

/// <summary>
/// Base58 with the Bitcoin alphabet, the encoding of multibase 'z' (did:key, Data Integrity
/// proof values). Only short values pass through it (keys, signatures), so the plain quadratic
/// conversion is enough; written here rather than taking a package into Core for 40 lines.
/// </summary>
public static class Base58Btc
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>The longest input accepted by <see cref="TryDecode"/> (a 64-byte signature takes 88 characters).</summary>
    public const int MaxDecodeChars = 128;

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        // log(256)/log(58) < 1.37: enough digits for any value of this length.
        var digits = new byte[((data.Length - zeros) * 137 / 100) + 1];
        var length = 0;
        for (var i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            for (var j = 0; j < length; j++)
            {
                carry += digits[j] << 8;
                digits[j] = (byte)(carry % 58);
                carry /= 58;
            }

            while (carry > 0)
            {
                digits[length++] = (byte)(carry % 58);
                carry /= 58;
            }
        }

        var text = new StringBuilder(zeros + length);
        text.Append('1', zeros);
        for (var j = length - 1; j >= 0; j--)
        {
            text.Append(Alphabet[digits[j]]);
        }

        return text.ToString();
    }

    /// <summary>Decodes, or returns null for a character outside the alphabet or an input over <see cref="MaxDecodeChars"/>.</summary>
    public static byte[]? TryDecode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxDecodeChars)
        {
            return null;
        }

        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        var bytes = new byte[text.Length];
        var length = 0;
        for (var i = zeros; i < text.Length; i++)
        {
            var carry = Alphabet.IndexOf(text[i], StringComparison.Ordinal);
            if (carry < 0)
            {
                return null;
            }

            for (var j = 0; j < length; j++)
            {
                carry += bytes[j] * 58;
                bytes[j] = (byte)carry;
                carry >>= 8;
            }

            while (carry > 0)
            {
                bytes[length++] = (byte)carry;
                carry >>= 8;
            }
        }

        var result = new byte[zeros + length];
        for (var j = 0; j < length; j++)
        {
            result[zeros + j] = bytes[length - 1 - j];
        }

        return result;
    }
}

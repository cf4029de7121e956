using System.Globalization;
using System.Text;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using Microsoft.AspNetCore.Http;

namespace GovChain.Grpc.PublicPage;

/// <summary>
/// Query parameters of the public JSON endpoint, each bounded before anything reads the chain:
/// a missing, repeated, oversize or malformed value is refused with the reason in plain words.
/// </summary>
internal static class PublicQuery
{
    /// <summary>Longest query value read at all (a state key is at most 1,024 bytes).</summary>
    public const int MaxValueChars = StateTreeHashing.MaxKeyBytes;

    public static bool TryText(HttpRequest request, string name, bool required, out string value, out string problem)
    {
        value = string.Empty;
        problem = string.Empty;
        var values = request.Query[name];
        if (values.Count == 0)
        {
            problem = required ? $"the '{name}' parameter is missing" : string.Empty;
            return !required;
        }

        if (values.Count > 1)
        {
            problem = $"give '{name}' once";
            return false;
        }

        var text = values[0] ?? string.Empty;
        if (text.Length == 0 || text.Length > MaxValueChars)
        {
            problem = $"'{name}' must be 1 to {MaxValueChars} characters";
            return false;
        }

        value = text;
        return true;
    }

    public static bool TryHeight(HttpRequest request, string name, out ulong height, out string problem)
    {
        height = 0;
        if (!TryText(request, name, required: false, out var text, out problem))
        {
            return false;
        }

        if (text.Length == 0)
        {
            return true;
        }

        if (text.Length > 20 || !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out height))
        {
            problem = $"'{name}' must be a block height (a whole number)";
            return false;
        }

        return true;
    }

    public static bool TryCount(HttpRequest request, string name, int defaultCount, int maxCount, out int count, out string problem)
    {
        count = defaultCount;
        if (!TryHeight(request, name, out var n, out problem))
        {
            return false;
        }

        if (request.Query.ContainsKey(name))
        {
            if (n is 0 || n > (ulong)maxCount)
            {
                problem = $"'{name}' must be 1 to {maxCount}";
                return false;
            }

            count = (int)n;
        }

        return true;
    }

    public static bool TryStateKey(HttpRequest request, out byte[] key, out string problem)
    {
        key = [];
        if (!TryText(request, "key", required: true, out var text, out problem))
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > StateTreeHashing.MaxKeyBytes)
        {
            problem = $"a state key is at most {StateTreeHashing.MaxKeyBytes} bytes";
            return false;
        }

        key = bytes;
        return true;
    }

    public static bool TryTxId(HttpRequest request, out byte[] id, out string problem)
    {
        id = [];
        if (!TryText(request, "id", required: true, out var text, out problem))
        {
            return false;
        }

        if (text.Length != Hash32.Size * 2 || !Hex.TryDecode(text, out var bytes))
        {
            problem = "a transaction id is 64 hexadecimal characters";
            return false;
        }

        id = bytes;
        return true;
    }
}

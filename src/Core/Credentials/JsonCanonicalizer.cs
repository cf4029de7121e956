using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GovChain.Core.Credentials;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785), which the <c>eddsa-jcs-2022</c> cryptosuite
/// hashes: object members sorted by their names' UTF-16 code units, no white space, strings
/// escaped as ECMAScript's JSON.stringify does, numbers as ECMAScript prints them. No NuGet
/// package served here implements it, and it is small: this one covers the documents GovChain
/// signs, whose numbers are integers; a fraction, an integer beyond 2^53 or a lone surrogate
/// (all refused by RFC 8785 too, or printed in a form this does not produce) throws
/// <see cref="NotSupportedException"/> rather than producing bytes another implementation would not.
/// </summary>
public static class JsonCanonicalizer
{
    private const long MaxSafeInteger = 9_007_199_254_740_991; // 2^53 - 1: exact in an IEEE double

    /// <summary>The canonical UTF-8 bytes of <paramref name="node"/>.</summary>
    public static byte[] Canonicalize(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(text, node, depth: 0);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Write(StringBuilder text, JsonNode? node, int depth)
    {
        if (depth > 64)
        {
            throw new NotSupportedException("JSON nested deeper than 64 levels");
        }

        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                {
                    var members = obj.ToList();
                    members.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                    text.Append('{');
                    for (var i = 0; i < members.Count; i++)
                    {
                        if (i > 0)
                        {
                            text.Append(',');
                        }

                        WriteString(text, members[i].Key);
                        text.Append(':');
                        Write(text, members[i].Value, depth + 1);
                    }

                    text.Append('}');
                    break;
                }

            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(text, array[i], depth + 1);
                }

                text.Append(']');
                break;
            case JsonValue value:
                WriteValue(text, value);
                break;
            default:
                throw new NotSupportedException($"unexpected JSON node {node.GetType().Name}");
        }
    }

    private static void WriteValue(StringBuilder text, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                string s;
                try
                {
                    s = value.GetValue<string>();
                }
                catch (InvalidOperationException ex)
                {
                    // System.Text.Json will not unescape a lone surrogate from parsed text.
                    throw new NotSupportedException("a string is not valid UTF-16", ex);
                }

                WriteString(text, s);
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            case JsonValueKind.Number:
                if (value.TryGetValue<long>(out var integer) && integer is >= -MaxSafeInteger and <= MaxSafeInteger)
                {
                    text.Append(integer.ToString(CultureInfo.InvariantCulture));
                    break;
                }

                if (value.TryGetValue<ulong>(out var unsigned) && unsigned <= MaxSafeInteger)
                {
                    text.Append(unsigned.ToString(CultureInfo.InvariantCulture));
                    break;
                }

                throw new NotSupportedException($"only integers within ±(2^53 - 1) are canonicalised, not {value.ToJsonString()}");
            default:
                throw new NotSupportedException($"unexpected JSON value {value.ToJsonString()}");
        }
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        text.Append(c).Append(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        throw new NotSupportedException("a string holds a lone UTF-16 surrogate, which RFC 8785 refuses");
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}

using System.IO.Compression;
using System.Text.Json.Nodes;

namespace GovChain.Core.Credentials;

/// <summary>
/// A W3C Bitstring Status List credential (Bitstring Status List v1.0, purpose "revocation"):
/// the list's bits GZIP-compressed and encoded as multibase base64url without padding ('u').
/// </summary>
public static class StatusListCredential
{
    public const string CredentialType = "BitstringStatusListCredential";
    public const string ListType = "BitstringStatusList";
    public const string EntryType = "BitstringStatusListEntry";
    public const string Revocation = "revocation";

    /// <summary>The <c>encodedList</c> of a bitstring.</summary>
    public static string EncodeList(ReadOnlySpan<byte> bits)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bits);
        }

        return "u" + Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// The bits of an <c>encodedList</c>, or null when it is not multibase base64url GZIP or
    /// would expand beyond <paramref name="maxBytes"/> (a small zip can inflate to gigabytes).
    /// </summary>
    public static byte[]? TryDecodeList(string encoded, int maxBytes = CredentialStatusLayout.ListBits / 8)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.Length < 2 || encoded[0] != 'u' || encoded.Length > (maxBytes * 2) + 64)
        {
            return null;
        }

        var base64 = encoded[1..].Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(base64)), CompressionMode.Decompress);
            var bits = new byte[maxBytes + 1];
            var length = 0;
            int read;
            while (length < bits.Length && (read = gzip.Read(bits, length, bits.Length - length)) > 0)
            {
                length += read;
            }

            return length > maxBytes ? null : bits[..length];
        }
        catch (FormatException)
        {
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The unsigned status list credential published at <paramref name="url"/> by <paramref name="issuerDid"/>.</summary>
    public static JsonObject Build(string url, string issuerDid, ReadOnlySpan<byte> bits)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentException.ThrowIfNullOrEmpty(issuerDid);
        return new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredentials.ContextV2),
            ["id"] = url,
            ["type"] = new JsonArray("VerifiableCredential", CredentialType),
            ["issuer"] = issuerDid,
            ["credentialSubject"] = new JsonObject
            {
                ["id"] = url + "#list",
                ["type"] = ListType,
                ["statusPurpose"] = Revocation,
                ["encodedList"] = EncodeList(bits),
            },
        };
    }

    /// <summary>The <c>credentialStatus</c> entry of the credential with <paramref name="statusIndex"/>, whose lists the node at <paramref name="nodeUrl"/> serves.</summary>
    public static JsonObject Entry(string nodeUrl, ulong statusIndex)
    {
        var list = ListUrl(nodeUrl, CredentialStatusLayout.ListOf(statusIndex));
        var bit = CredentialStatusLayout.BitInList(statusIndex).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = $"{list}#{bit}",
            ["type"] = EntryType,
            ["statusPurpose"] = Revocation,
            ["statusListIndex"] = bit,
            ["statusListCredential"] = list,
        };
    }

    /// <summary>Where a node serves list <paramref name="list"/> (the path <c>/credentials/status/{list}</c>).</summary>
    public static string ListUrl(string nodeUrl, ulong list) =>
        $"{VerifiableCredentials.TrimSlash(nodeUrl)}{VerifiableCredentials.StatusPath}/{list.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

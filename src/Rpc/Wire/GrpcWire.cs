using System.Buffers;
using System.Net;

namespace GovChain.Rpc;

/// <summary>Names and rules of the gRPC-over-HTTP/2 protocol shared by server and client.</summary>
internal static class GrpcWire
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";
    public const string SupportedEncodings = "identity,gzip";
    public const string UserAgent = "govchain-grpc/1.0";

    /// <summary>Length of the message prefix: one compressed-flag byte and a big-endian uint32 length.</summary>
    public const int FrameHeaderLength = 5;

    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>Headers the transport or the protocol owns; never surfaced as, nor accepted from, custom metadata.</summary>
    public static bool IsReservedHeader(string key) =>
        key.Length > 0 && key[0] == ':'
        || key is "content-type" or "te" or "host" or "content-length" or "connection" or "transfer-encoding"
            or "upgrade" or "keep-alive" or "proxy-connection"
        || key.StartsWith("grpc-", StringComparison.Ordinal);

    /// <summary>
    /// Accepts <c>application/grpc</c> and <c>application/grpc+proto</c> (with parameters);
    /// other sub-types (e.g. <c>+json</c>) name a codec we do not have.
    /// </summary>
    public static bool IsGrpcContentType(string? contentType, out bool supportedCodec)
    {
        supportedCodec = false;
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(ContentType.Length);
        var semi = rest.IndexOf(';');
        if (semi >= 0)
        {
            rest = rest[..semi];
        }

        rest = rest.Trim();
        if (rest.Length == 0 || rest.Equals("+proto", StringComparison.OrdinalIgnoreCase))
        {
            supportedCodec = true;
            return true;
        }

        return rest[0] == '+';
    }

    /// <summary>The code for a response that carried no grpc-status, from its HTTP status (per the gRPC HTTP mapping).</summary>
    public static StatusCode FromHttpStatus(HttpStatusCode status) => (int)status switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>Decodes a <c>-bin</c> header value: base64 with or without padding, possibly several comma-separated values.</summary>
    public static bool TryDecodeBinaryHeader(string value, List<byte[]> output)
    {
        foreach (var range in value.AsSpan().Split(','))
        {
            var part = value.AsSpan(range).Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var padded = (part.Length % 4) switch
            {
                0 => part.ToString(),
                2 => string.Concat(part, "=="),
                3 => string.Concat(part, "="),
                _ => null,
            };
            if (padded is null)
            {
                return false;
            }

            var buffer = new byte[padded.Length / 4 * 3];
            if (!Convert.TryFromBase64String(padded, buffer, out var written))
            {
                return false;
            }

            output.Add(written == buffer.Length ? buffer : buffer[..written]);
        }

        return true;
    }

    /// <summary>Encodes bytes for a <c>-bin</c> header; unpadded, as the protocol recommends for senders.</summary>
    public static string EncodeBinaryHeader(byte[] value) => Convert.ToBase64String(value).TrimEnd('=');

    public static bool IsIdentity(string? encoding) =>
        string.IsNullOrEmpty(encoding) || string.Equals(encoding, IdentityEncoding, StringComparison.OrdinalIgnoreCase);

    public static bool IsGzip(string? encoding) =>
        string.Equals(encoding, GzipEncoding, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a comma-separated <c>grpc-accept-encoding</c> list names gzip.</summary>
    public static bool AcceptsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding))
        {
            return false;
        }

        foreach (var range in acceptEncoding.AsSpan().Split(','))
        {
            if (acceptEncoding.AsSpan(range).Trim().Equals(GzipEncoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    internal static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");
}

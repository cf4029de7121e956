using GovChain.Grpc.Hosting;

namespace GovChain.Cli.Proofs;

/// <summary>
/// The link a QR code of <c>proof get --qr</c> carries: the node's public page with the record
/// in the fragment (<c>https://host:port/public/#parcel=P-17</c>), so a phone opens the page
/// that fetches and verifies the proof itself. The fragment never reaches the server.
/// </summary>
internal static class VerificationLink
{
    public static string For(Uri node, string? txIdHex, string? stateKey)
    {
        ArgumentNullException.ThrowIfNull(node);
        var fragment = txIdHex is not null ? "tx=" + txIdHex : Fragment(stateKey!);
        return $"{node.GetLeftPart(UriPartial.Authority)}/public/#{fragment}";
    }

    private static string Fragment(string key)
    {
        foreach (var (prefix, name) in Known)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
            {
                return $"{name}={Uri.EscapeDataString(key[prefix.Length..])}";
            }
        }

        return "record=" + Uri.EscapeDataString(key);
    }

    private static readonly (string Prefix, string Name)[] Known =
    [
        ("land/parcel/", "parcel"),
        ("identity/cred/", "credential"),
        ("procurement/tender/", "tender"),
    ];

    /// <summary>Writes the link's QR code as SVG or PNG, chosen by the file's extension.</summary>
    public static void WriteQr(string path, string link)
    {
        if (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            File.WriteAllBytes(path, QrCodes.Png(link));
        }
        else
        {
            File.WriteAllText(path, QrCodes.Svg(link));
        }
    }

    /// <summary>Null when <paramref name="path"/> names an SVG or PNG file, else why not.</summary>
    public static string? PathProblem(string path) =>
        path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"--qr: '{path}' must end in .svg or .png";
}

using System.Text;
using QRCoder;

namespace GovChain.Grpc.Hosting;

/// <summary>
/// QR codes (QRCoder) for links to a record's verification: SVG for the public page, SVG or
/// PNG for <c>govchain proof get --qr</c>. Error correction M (15 %) survives a printed code
/// with a smudge; the text is bounded so a request cannot ask for an arbitrarily large image.
/// </summary>
public static class QrCodes
{
    /// <summary>The longest text, in UTF-8 bytes, that is rendered (a URL with a record id fits easily).</summary>
    public const int MaxTextBytes = 512;

    /// <summary>Null when <paramref name="text"/> can be rendered, else why not.</summary>
    public static string? Problem(string? text) =>
        string.IsNullOrEmpty(text) ? "the text to encode is empty"
        : Encoding.UTF8.GetByteCount(text) > MaxTextBytes ? $"the text to encode is longer than {MaxTextBytes} UTF-8 bytes"
        : null;

    public static string Svg(string text)
    {
        using var data = Generate(text);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(8);
    }

    public static byte[] Png(string text)
    {
        using var data = Generate(text);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(8);
    }

    private static QRCodeData Generate(string text)
    {
        if (Problem(text) is { } problem)
        {
            throw new ArgumentException(problem, nameof(text));
        }

        return QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
    }
}

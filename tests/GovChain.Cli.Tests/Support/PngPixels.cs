using System.Buffers.Binary;
using System.IO.Compression;

namespace GovChain.Cli.Tests.Support;

/// <summary>
/// Just enough of PNG to turn the CLI's QR images into grey pixels for the decoder: 8-bit grey,
/// RGB or RGBA and 1- or 8-bit palette or grey images, not interlaced, all five row filters.
/// </summary>
internal static class PngPixels
{
    public static (byte[] Grey, int Width, int Height) Read(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG file");
        int width = 0, height = 0, depth = 0, colour = 0;
        byte[] palette = [];
        using var idat = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                    height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                    depth = data[8];
                    colour = data[9];
                    Assert.Equal(0, data[12]);
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            at += 12 + length;
        }

        var channels = colour switch { 0 or 3 => 1, 2 => 3, 6 => 4, _ => throw new NotSupportedException($"PNG colour type {colour}") };
        var bitsPerPixel = channels * depth;
        var stride = ((width * bitsPerPixel) + 7) / 8;
        var step = Math.Max(1, bitsPerPixel / 8);
        using var inflate = new ZLibStream(new MemoryStream(idat.ToArray()), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var bytes = raw.ToArray();
        var rows = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                var value = bytes[(y * (stride + 1)) + 1 + x];
                var left = x >= step ? rows[(y * stride) + x - step] : 0;
                var up = y > 0 ? rows[((y - 1) * stride) + x] : 0;
                var upLeft = x >= step && y > 0 ? rows[((y - 1) * stride) + x - step] : 0;
                rows[(y * stride) + x] = (byte)(filter switch
                {
                    0 => value,
                    1 => value + left,
                    2 => value + up,
                    3 => value + ((left + up) / 2),
                    4 => value + Paeth(left, up, upLeft),
                    _ => throw new NotSupportedException($"PNG filter {filter}"),
                });
            }
        }

        var grey = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                int sample;
                if (depth == 8)
                {
                    var p = (y * stride) + (x * channels);
                    sample = channels >= 3 ? (rows[p] + rows[p + 1] + rows[p + 2]) / 3 : rows[p];
                }
                else
                {
                    Assert.Equal(1, depth);
                    sample = (rows[(y * stride) + (x / 8)] >> (7 - (x % 8))) & 1;
                    sample = colour == 3 ? palette[sample * 3] : sample * 255;
                }

                if (colour == 3 && depth == 8)
                {
                    sample = palette[sample * 3];
                }

                grey[(y * width) + x] = (byte)sample;
            }
        }

        return (grey, width, height);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}

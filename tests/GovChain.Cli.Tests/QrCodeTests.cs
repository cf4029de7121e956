using GovChain.Cli.Tests.Support;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace GovChain.Cli.Tests;

/// <summary><c>govchain proof get --qr</c>: the QR code written decodes to the record's link on the node's public page.</summary>
[Collection(CliTestNetworkCollection.Name)]
public sealed class QrCodeTests
{
    private readonly CliTestNetwork _network;

    public QrCodeTests(CliTestNetwork network)
    {
        _network = network;
    }

    [Fact]
    public async Task ProofGet_QrPng_DecodesToTheParcelsLinkOnTheNodesPublicPage()
    {
        await RegisterAsync("QR-PARCEL-1");
        var finance = _network.Layout.ReadManifest().Departments.Single(d => d.Id == "finance").ClientAddress;
        var png = _network.Scratch("qr-parcel.png");

        var run = await CliRunner.RunAsync("proof", "get", "--parcel", "QR-PARCEL-1", "--out", _network.Scratch("qr-parcel.json"), "--qr", png, "--node", "finance", "--dir", _network.Root);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal($"https://{finance}/public/#parcel=QR-PARCEL-1", Decode(await File.ReadAllBytesAsync(png)));
    }

    [Fact]
    public async Task ProofGet_QrSvg_IsAnSvgAndOtherExtensionsAreRefused()
    {
        await RegisterAsync("QR-PARCEL-2");
        var svg = _network.Scratch("qr-record.svg");

        var ok = await CliRunner.RunAsync("proof", "get", "--parcel", "QR-PARCEL-2", "--out", _network.Scratch("qr-record.bin"), "--qr", svg, "--dir", _network.Root);
        var refused = await CliRunner.RunAsync("proof", "get", "--parcel", "QR-PARCEL-2", "--out", _network.Scratch("qr-refused.bin"), "--qr", _network.Scratch("qr.gif"), "--dir", _network.Root);

        Assert.True(ok.ExitCode == 0, ok.Error);
        Assert.StartsWith("<svg", (await File.ReadAllTextAsync(svg)).TrimStart(), StringComparison.Ordinal);
        Assert.Contains("/public/#parcel=QR-PARCEL-2", ok.Out, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("must end in .svg or .png", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_network.Scratch("qr-refused.bin")));
    }

    private static string Decode(byte[] png)
    {
        var (grey, width, height) = PngPixels.Read(png);
        var source = new RGBLuminanceSource(grey, width, height, RGBLuminanceSource.BitmapFormat.Gray8);
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)));
        Assert.NotNull(result);
        return result.Text;
    }

    private async Task RegisterAsync(string parcelId)
    {
        var client = _network.Client();
        var registrar = _network.Registrar();
        using var owner = KeyPair.Generate();
        var signer = await client.CreateSignerAsync(registrar);
        var result = await client.ExecuteAsync(signer, LandRegistry.RegisterParcel(parcelId, owner.PublicKey, new byte[32], 100, "Test street"));
        Assert.True(result.Receipt.Code == 0, result.Receipt.Message);
        await _network.WaitForHeightAsync(result.Height);
    }
}

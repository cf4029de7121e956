using System.Text.Json.Nodes;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;

namespace GovChain.Core.Tests.Crypto;

/// <summary>
/// Version-1 key files (Argon2id + XSalsa20-Poly1305), as the libsodium23 binding wrote them
/// before NSec: the fixture was written by that code, with the seed 0x40..0x5f.
/// </summary>
public sealed class LegacyKeyFileTests : IDisposable
{
    internal const string FixturePassphrase = "old format fixture";
    internal const string FixturePublicKey = "2543b92ff1095511476adc8369db6ddc933665a11978dda1404ee1066ca9559d";

    // The old binding's signature of "govchain fixture message" with the fixture's key.
    private const string FixtureSignature =
        "9ff8ddbf719b1d53eb9de29cade3f6ca0436cf50d9cf3c17042c6a505d49341af08c9d470b5374d9b82644cf832feced7ac96afe70d48dee5b10151885de7a09";

    private readonly string _dir = Directory.CreateTempSubdirectory("govchain-legacy-key-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string FixturePath => Path.Combine(AppContext.BaseDirectory, "Crypto", "Fixtures", "v1-xsalsa20poly1305.key");

    [Fact]
    public void Read_Version1Fixture_OpensWithItsPassphrase_AndSignsAsTheOldBindingDid()
    {
        Assert.Equal(KeyFile.LegacyFormatVersion, KeyFile.ReadFormatVersion(FixturePath));

        using var key = KeyFile.Read(FixturePath, FixturePassphrase);

        Assert.Equal(FixturePublicKey, key.PublicKeyHex);
        Assert.Equal(FixtureSignature, Hex.Encode(key.Sign("govchain fixture message"u8)));
        var seed = new byte[Ed25519.SeedSize];
        key.ExportSeed(seed);
        Assert.Equal(Enumerable.Range(0x40, 32).Select(b => (byte)b), seed);
    }

    [Fact]
    public void Read_Version1Fixture_WrongPassphrase_FailsWithClearMessage()
    {
        var ex = Assert.Throws<KeyFileException>(() => KeyFile.Read(FixturePath, "old format fixturE"));

        Assert.Contains("passphrase is wrong", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ciphertext", 0)] // the Poly1305 tag
    [InlineData("ciphertext", 47)] // the encrypted seed
    [InlineData("nonce", 0)]
    [InlineData("salt", 15)]
    public void Read_Version1Fixture_ChangedByte_IsDetected(string field, int index)
    {
        var path = CopyFixtureWith(json =>
        {
            var bytes = Convert.FromBase64String(json[field]!.GetValue<string>());
            bytes[index] ^= 0x01;
            json[field] = Convert.ToBase64String(bytes);
        });

        var ex = Assert.Throws<KeyFileException>(() => KeyFile.Read(path, FixturePassphrase));
        Assert.Contains("passphrase is wrong or the file is damaged", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Version1WithACipherField_IsRefused()
    {
        // A version-1 file never named its cipher: one that does was not written by GovChain.
        var path = CopyFixtureWith(json => json["cipher"] = "xchacha20poly1305");

        var ex = Assert.Throws<KeyFileException>(() => KeyFile.Read(path, FixturePassphrase));
        Assert.Contains("not a GovChain key file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upgrade_Version1_RewritesAsVersion2WithTheSameKeyPassphraseAndLimits()
    {
        var path = CopyFixtureWith(_ => { });
        var before = JsonNode.Parse(File.ReadAllText(path))!;

        Assert.True(KeyFile.Upgrade(path, FixturePassphrase));

        var after = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(KeyFile.FormatVersion, KeyFile.ReadFormatVersion(path));
        Assert.Equal("xchacha20poly1305", (string?)after["cipher"]);
        Assert.Equal((ulong)before["opslimit"]!, (ulong)after["opslimit"]!);
        Assert.Equal((ulong)before["memlimit"]!, (ulong)after["memlimit"]!);
        Assert.NotEqual((string?)before["salt"], (string?)after["salt"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_dir).Select(Path.GetFileName));
        using var key = KeyFile.Read(path, FixturePassphrase);
        Assert.Equal(FixturePublicKey, key.PublicKeyHex);
        Assert.False(KeyFile.Upgrade(path, FixturePassphrase));
    }

    [Fact]
    public void Upgrade_WrongPassphrase_LeavesTheFileAsItWas()
    {
        var path = CopyFixtureWith(_ => { });
        var before = File.ReadAllBytes(path);

        Assert.Throws<KeyFileException>(() => KeyFile.Upgrade(path, "not it"));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    private string CopyFixtureWith(Action<JsonNode> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(FixturePath))!;
        change(json);
        var path = Path.Combine(_dir, "old.key");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}

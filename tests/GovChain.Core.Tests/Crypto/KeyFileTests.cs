using System.Text.Json.Nodes;
using GovChain.Core.Crypto;

namespace GovChain.Core.Tests.Crypto;

public sealed class KeyFileTests : IDisposable
{
    // Cheap Argon2id limits keep the tests fast; the format and checks are the same.
    private static readonly KeyFile.KdfCost TestCost = new(1, 1UL << 20);

    private readonly string _dir = Directory.CreateTempSubdirectory("govchain-keyfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WriteThenRead_SamePassphrase_RestoresTheSameKey()
    {
        var path = Path.Combine(_dir, "land.key");
        using var key = KeyPair.Generate();
        KeyFile.Write(path, key, "correct horse", TestCost);

        using var restored = KeyFile.Read(path, "correct horse");

        Assert.Equal(key.PublicKeyHex, restored.PublicKeyHex);
        Assert.Equal(key.Sign([9, 9]), restored.Sign([9, 9]));
        Assert.Equal(key.PublicKey.ToArray(), KeyFile.ReadPublicKey(path));
    }

    [Fact]
    public void Write_NamesVersion2AndItsCipher()
    {
        var path = Path.Combine(_dir, "v2.key");
        using var key = KeyPair.Generate();
        KeyFile.Write(path, key, "pw", TestCost);

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(KeyFile.FormatVersion, (int)json["version"]!);
        Assert.Equal("xchacha20poly1305", (string?)json["cipher"]);
        Assert.Equal(KeyFile.FormatVersion, KeyFile.ReadFormatVersion(path));
    }

    [Fact]
    public void Read_Version2WithoutItsCipher_IsRefused()
    {
        var path = Path.Combine(_dir, "nocipher.key");
        using var key = KeyPair.Generate();
        KeyFile.Write(path, key, "pw", TestCost);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json.AsObject().Remove("cipher");
        File.WriteAllText(path, json.ToJsonString());

        var ex = Assert.Throws<KeyFileException>(() => KeyFile.Read(path, "pw"));
        Assert.Contains("not a GovChain key file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NonAsciiPassphrase_RoundTrips_AndADifferentNormalisationDoesNot()
    {
        var path = Path.Combine(_dir, "utf8.key");
        using var key = KeyPair.Generate();
        KeyFile.Write(path, key, "caf\u00e9 \u2603", TestCost);

        using var restored = KeyFile.Read(path, "caf\u00e9 \u2603");
        Assert.Equal(key.PublicKeyHex, restored.PublicKeyHex);
        Assert.Throws<KeyFileException>(() => KeyFile.Read(path, "cafe\u0301 \u2603"));
    }

    [Fact]
    public void Write_CostOutOfRange_IsRefusedBeforeAnythingIsWritten()
    {
        var path = Path.Combine(_dir, "cost.key");
        using var key = KeyPair.Generate();

        Assert.Throws<ArgumentOutOfRangeException>(() => KeyFile.Write(path, key, "pw", new KeyFile.KdfCost(0, 1UL << 20)));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Write_CreatesFileReadableOnlyByOwner()
    {
        var path = Path.Combine(_dir, "mode.key");
        using var key = KeyPair.Generate();
        KeyFile.Write(path, key, "pw", TestCost);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Read_WrongPassphrase_FailsWithClearMessage()
    {
        var path = Path.Combine(_dir, "wrong.key");
        using var key = KeyPair.Generate();
        KeyFile.Write(path, key, "right", TestCost);

        var ex = Assert.Throws<KeyFileException>(() => KeyFile.Read(path, "wrong"));
        Assert.Contains("passphrase is wrong", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("salt")]
    [InlineData("nonce")]
    public void Read_ChangedByteInField_IsDetected(string field)
    {
        var path = Path.Combine(_dir, $"damaged-{field}.key");
        using var key = KeyPair.Generate();
        KeyFile.Write(path, key, "pw", TestCost);

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var bytes = Convert.FromBase64String(json[field]!.GetValue<string>());
        bytes[^1] ^= 0x01;
        json[field] = Convert.ToBase64String(bytes);
        File.WriteAllText(path, json.ToJsonString());

        Assert.Throws<KeyFileException>(() => KeyFile.Read(path, "pw"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("{\"version\": 7}")]
    [InlineData("{\"version\":1,\"kdf\":\"argon2id13\",\"opslimit\":1,\"memlimit\":1048576,\"salt\":\"AA==\",\"nonce\":\"AA==\",\"ciphertext\":\"AA==\",\"public_key\":\"00\"}")]
    public void Read_NotAKeyFile_FailsWithKeyFileException(string content)
    {
        var path = Path.Combine(_dir, "junk.key");
        File.WriteAllText(path, content);

        var ex = Assert.Throws<KeyFileException>(() => KeyFile.Read(path, "pw"));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_FailsWithKeyFileException()
    {
        Assert.Throws<KeyFileException>(() => KeyFile.Read(Path.Combine(_dir, "absent.key"), "pw"));
    }

    [Fact]
    public void Read_PublicKeySwappedForAnother_IsDetected()
    {
        var path = Path.Combine(_dir, "swapped.key");
        using var key = KeyPair.Generate();
        using var other = KeyPair.Generate();
        KeyFile.Write(path, key, "pw", TestCost);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["public_key"] = other.PublicKeyHex;
        File.WriteAllText(path, json.ToJsonString());

        var ex = Assert.Throws<KeyFileException>(() => KeyFile.Read(path, "pw"));
        Assert.Contains("does not match", ex.Message, StringComparison.Ordinal);
    }
}

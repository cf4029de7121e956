using System.Text.Json;
using System.Text.Json.Serialization;
using GovChain.Core.Hashing;

namespace GovChain.Core.Crypto;

/// <summary>
/// An operator's Ed25519 key at rest: the seed encrypted with a key derived from a passphrase
/// (Argon2id, libsodium crypto_pwhash) and sealed with XSalsa20-Poly1305 (crypto_secretbox),
/// so a wrong passphrase and a changed byte are both detected. Written with mode 0600.
/// </summary>
public static class KeyFile
{
    public const int FormatVersion = 1;

    /// <summary>libsodium's "moderate" limits: about a second and 256 MiB on a server core.</summary>
    public static readonly KdfCost Moderate = new(3, 256UL << 20);

    /// <summary>libsodium's "interactive" limits, for tests and local networks.</summary>
    public static readonly KdfCost Interactive = new(2, 64UL << 20);

    public sealed record KdfCost(ulong OpsLimit, ulong MemLimitBytes);

    public static void Write(string path, KeyPair key, string passphrase, KdfCost? cost = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(passphrase);
        cost ??= Moderate;
        Sodium.EnsureLoaded();

        var salt = new byte[Sodium.PwHashSaltBytes];
        var nonce = new byte[Sodium.SecretBoxNonceBytes];
        Ed25519.RandomBytes(salt);
        Ed25519.RandomBytes(nonce);

        var seed = GC.AllocateArray<byte>(Ed25519.SeedSize, pinned: true);
        var boxKey = GC.AllocateArray<byte>(Sodium.SecretBoxKeyBytes, pinned: true);
        try
        {
            key.ExportSeed(seed);
            DeriveKey(passphrase, salt, cost, boxKey);
            var cipher = Seal(seed, nonce, boxKey);
            var model = new KeyFileModel
            {
                Version = FormatVersion,
                Kdf = "argon2id13",
                OpsLimit = cost.OpsLimit,
                MemLimit = cost.MemLimitBytes,
                Salt = Convert.ToBase64String(salt),
                Nonce = Convert.ToBase64String(nonce),
                Ciphertext = Convert.ToBase64String(cipher),
                PublicKey = key.PublicKeyHex,
            };
            WritePrivate(path, JsonSerializer.SerializeToUtf8Bytes(model, KeyFileJson.Default.KeyFileModel));
        }
        finally
        {
            Ed25519.Zero(seed);
            Ed25519.Zero(boxKey);
        }
    }

    public static KeyPair Read(string path, string passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"Key file '{path}' cannot be read: {ex.Message}", ex);
        }

        var model = ParseModel(path, bytes);
        var salt = DecodeField(path, "salt", model.Salt, Sodium.PwHashSaltBytes);
        var nonce = DecodeField(path, "nonce", model.Nonce, Sodium.SecretBoxNonceBytes);
        var cipher = DecodeField(path, "ciphertext", model.Ciphertext, Ed25519.SeedSize + Sodium.SecretBoxMacBytes);
        if (model.OpsLimit is < 1 or > 64 || model.MemLimit is < 8192 or > (4UL << 30))
        {
            throw new KeyFileException($"Key file '{path}' is damaged: its key-derivation limits are out of range.");
        }

        var seed = GC.AllocateArray<byte>(Ed25519.SeedSize, pinned: true);
        var boxKey = GC.AllocateArray<byte>(Sodium.SecretBoxKeyBytes, pinned: true);
        try
        {
            DeriveKey(passphrase, salt, new KdfCost(model.OpsLimit, model.MemLimit), boxKey);
            if (!Open(cipher, nonce, boxKey, seed))
            {
                throw new KeyFileException($"Key file '{path}' cannot be opened: the passphrase is wrong or the file is damaged.");
            }

            var key = KeyPair.FromSeed(seed);
            if (!string.Equals(key.PublicKeyHex, model.PublicKey, StringComparison.OrdinalIgnoreCase))
            {
                key.Dispose();
                throw new KeyFileException($"Key file '{path}' is damaged: its public key does not match the decrypted secret.");
            }

            return key;
        }
        finally
        {
            Ed25519.Zero(seed);
            Ed25519.Zero(boxKey);
        }
    }

    /// <summary>Reads the public key without the passphrase.</summary>
    public static byte[] ReadPublicKey(string path)
    {
        var model = ParseModel(path, File.ReadAllBytes(path));
        if (!Hex.TryDecode(model.PublicKey, out var key) || key.Length != Ed25519.PublicKeySize)
        {
            throw new KeyFileException($"Key file '{path}' is damaged: public_key is not 32 bytes of hex.");
        }

        return key;
    }

    /// <summary>Creates or replaces a file readable and writable by its owner only.</summary>
    public static void WritePrivate(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only to new files; an existing file keeps its mode otherwise.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static KeyFileModel ParseModel(string path, byte[] bytes)
    {
        KeyFileModel? model;
        try
        {
            model = JsonSerializer.Deserialize(bytes, KeyFileJson.Default.KeyFileModel);
        }
        catch (JsonException ex)
        {
            throw new KeyFileException($"Key file '{path}' is damaged or not a GovChain key file: {ex.Message}", ex);
        }

        if (model is null || model.Version != FormatVersion || model.Kdf != "argon2id13")
        {
            throw new KeyFileException($"Key file '{path}' is not a GovChain key file of version {FormatVersion}.");
        }

        return model;
    }

    private static byte[] DecodeField(string path, string name, string? value, int expectedLength)
    {
        try
        {
            var bytes = Convert.FromBase64String(value ?? string.Empty);
            if (bytes.Length == expectedLength)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
        }

        throw new KeyFileException($"Key file '{path}' is damaged: field '{name}' is missing or has the wrong length.");
    }

    private static unsafe void DeriveKey(string passphrase, byte[] salt, KdfCost cost, byte[] output)
    {
        var pass = System.Text.Encoding.UTF8.GetBytes(passphrase);
        try
        {
            fixed (byte* o = output)
            fixed (byte* p = pass)
            fixed (byte* s = salt)
            {
                if (Sodium.crypto_pwhash(o, (ulong)output.Length, p, (ulong)pass.Length, s, cost.OpsLimit, (nuint)cost.MemLimitBytes, Sodium.PwHashAlgArgon2id13) != 0)
                {
                    throw new KeyFileException("Key derivation failed: not enough memory for Argon2id.");
                }
            }
        }
        finally
        {
            Ed25519.Zero(pass);
        }
    }

    private static unsafe byte[] Seal(byte[] message, byte[] nonce, byte[] key)
    {
        var cipher = new byte[message.Length + Sodium.SecretBoxMacBytes];
        fixed (byte* c = cipher)
        fixed (byte* m = message)
        fixed (byte* n = nonce)
        fixed (byte* k = key)
        {
            if (Sodium.crypto_secretbox_easy(c, m, (ulong)message.Length, n, k) != 0)
            {
                throw new InvalidOperationException("libsodium failed to encrypt.");
            }
        }

        return cipher;
    }

    private static unsafe bool Open(byte[] cipher, byte[] nonce, byte[] key, byte[] message)
    {
        fixed (byte* c = cipher)
        fixed (byte* m = message)
        fixed (byte* n = nonce)
        fixed (byte* k = key)
        {
            return Sodium.crypto_secretbox_open_easy(m, c, (ulong)cipher.Length, n, k) == 0;
        }
    }
}

internal sealed class KeyFileModel
{
    [JsonPropertyName("version")]
    public int Version { get; set; }

    [JsonPropertyName("kdf")]
    public string? Kdf { get; set; }

    [JsonPropertyName("opslimit")]
    public ulong OpsLimit { get; set; }

    [JsonPropertyName("memlimit")]
    public ulong MemLimit { get; set; }

    [JsonPropertyName("salt")]
    public string? Salt { get; set; }

    [JsonPropertyName("nonce")]
    public string? Nonce { get; set; }

    [JsonPropertyName("ciphertext")]
    public string? Ciphertext { get; set; }

    [JsonPropertyName("public_key")]
    public string? PublicKey { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(KeyFileModel))]
internal sealed partial class KeyFileJson : JsonSerializerContext
{
}

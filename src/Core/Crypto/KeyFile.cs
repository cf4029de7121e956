using System.Security.Cryptography;
using System.Text.Json;
using GovChain.Core.Hashing;
using NSec.Cryptography;

namespace GovChain.Core.Crypto;

/// <summary>
/// An operator's Ed25519 key at rest: the seed encrypted with a key derived from a passphrase
/// (Argon2id) and sealed with an AEAD, so a wrong passphrase and a changed byte are both
/// detected. Version 2 (written now) seals with XChaCha20-Poly1305; version 1 files, sealed
/// with XSalsa20-Poly1305 (NaCl secretbox), still open and can be rewritten with
/// <see cref="Upgrade"/>. Written with mode 0600.
/// </summary>
public static class KeyFile
{
    /// <summary>The version new key files are written in.</summary>
    public const int FormatVersion = 2;

    /// <summary>The first version (XSalsa20-Poly1305): read, never written.</summary>
    public const int LegacyFormatVersion = 1;

    private const string KdfName = "argon2id13";
    private const string CipherName = "xchacha20poly1305";
    private const int SaltSize = 16;
    private const int NonceSize = 24;
    private const int TagSize = 16;

    /// <summary>libsodium's "moderate" limits: about a second and 256 MiB on a server core.</summary>
    public static readonly KdfCost Moderate = new(3, 256UL << 20);

    /// <summary>libsodium's "interactive" limits, for tests and local networks.</summary>
    public static readonly KdfCost Interactive = new(2, 64UL << 20);

    private static readonly XChaCha20Poly1305 Aead = AeadAlgorithm.XChaCha20Poly1305;

    public sealed record KdfCost(ulong OpsLimit, ulong MemLimitBytes)
    {
        /// <summary>The bounds a file's limits are checked against before any memory is committed to them.</summary>
        internal bool InRange => OpsLimit is >= 1 and <= 64 && MemLimitBytes is >= 8192 and <= (4UL << 30);
    }

    public static void Write(string path, KeyPair key, string passphrase, KdfCost? cost = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(passphrase);
        cost ??= Moderate;
        if (!cost.InRange)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), "Argon2id limits must be 1..64 passes and 8 KiB..4 GiB.");
        }

        var salt = new byte[SaltSize];
        var nonce = new byte[NonceSize];
        Ed25519.RandomBytes(salt);
        Ed25519.RandomBytes(nonce);

        var seed = GC.AllocateArray<byte>(Ed25519.SeedSize, pinned: true);
        try
        {
            key.ExportSeed(seed);
            var cipher = new byte[Ed25519.SeedSize + TagSize];
            using (var boxKey = DeriveAeadKey(passphrase, salt, cost))
            {
                Aead.Encrypt(boxKey, nonce, [], seed, cipher);
            }

            var model = new KeyFileModel
            {
                Version = FormatVersion,
                Kdf = KdfName,
                Cipher = CipherName,
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
        }
    }

    public static KeyPair Read(string path, string passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        var model = ParseModel(path, ReadBytes(path));
        var salt = DecodeField(path, "salt", model.Salt, SaltSize);
        var nonce = DecodeField(path, "nonce", model.Nonce, NonceSize);
        var cipher = DecodeField(path, "ciphertext", model.Ciphertext, Ed25519.SeedSize + TagSize);
        var cost = new KdfCost(model.OpsLimit, model.MemLimit);
        if (!cost.InRange)
        {
            throw new KeyFileException($"Key file '{path}' is damaged: its key-derivation limits are out of range.");
        }

        var seed = GC.AllocateArray<byte>(Ed25519.SeedSize, pinned: true);
        try
        {
            var opened = model.Version == LegacyFormatVersion
                ? OpenLegacy(passphrase, salt, cost, nonce, cipher, seed)
                : Open(passphrase, salt, cost, nonce, cipher, seed);
            if (!opened)
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
        }
    }

    /// <summary>Reads the public key without the passphrase.</summary>
    public static byte[] ReadPublicKey(string path)
    {
        var model = ParseModel(path, ReadBytes(path));
        if (!Hex.TryDecode(model.PublicKey, out var key) || key.Length != Ed25519.PublicKeySize)
        {
            throw new KeyFileException($"Key file '{path}' is damaged: public_key is not 32 bytes of hex.");
        }

        return key;
    }

    /// <summary>The format version of the file (<see cref="LegacyFormatVersion"/> or <see cref="FormatVersion"/>), without the passphrase.</summary>
    public static int ReadFormatVersion(string path) => ParseModel(path, ReadBytes(path)).Version;

    /// <summary>
    /// Rewrites a version-1 file in the current version, with the same passphrase and Argon2id
    /// limits; the old file is replaced only once the new one is complete. False when the file
    /// already is in the current version (it is left untouched).
    /// </summary>
    public static bool Upgrade(string path, string passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        var model = ParseModel(path, ReadBytes(path));
        if (model.Version == FormatVersion)
        {
            return false;
        }

        using var key = Read(path, passphrase);
        var temp = path + ".upgrading";
        try
        {
            Write(temp, key, passphrase, new KdfCost(model.OpsLimit, model.MemLimit));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new KeyFileException($"Key file '{path}' could not be rewritten: {ex.Message}", ex);
        }

        return true;
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

    private static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"Key file '{path}' cannot be read: {ex.Message}", ex);
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

        var known = model is not null && model.Kdf == KdfName && model.Version switch
        {
            LegacyFormatVersion => model.Cipher is null,
            FormatVersion => model.Cipher == CipherName,
            _ => false,
        };
        if (!known)
        {
            throw new KeyFileException($"Key file '{path}' is not a GovChain key file of version {LegacyFormatVersion} or {FormatVersion}.");
        }

        return model!;
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

    private static bool Open(string passphrase, byte[] salt, KdfCost cost, byte[] nonce, byte[] cipher, byte[] seed)
    {
        using var boxKey = DeriveAeadKey(passphrase, salt, cost);
        return Aead.Decrypt(boxKey, nonce, [], cipher, seed);
    }

    /// <summary>Version 1: the same Argon2id derivation, its 32 bytes used as an XSalsa20-Poly1305 key.</summary>
    private static bool OpenLegacy(string passphrase, byte[] salt, KdfCost cost, byte[] nonce, byte[] cipher, byte[] seed)
    {
        var boxKey = GC.AllocateArray<byte>(LegacySecretBox.KeySize, pinned: true);
        try
        {
            WithPassphraseBytes(passphrase, pass => Argon2id(cost).DeriveBytes(pass, salt, boxKey));
            return LegacySecretBox.TryOpen(cipher, nonce, boxKey, seed);
        }
        finally
        {
            Ed25519.Zero(boxKey);
        }
    }

    /// <summary>The AEAD key stays in NSec's native memory: it is never on the managed heap.</summary>
    private static Key DeriveAeadKey(string passphrase, byte[] salt, KdfCost cost)
    {
        Key? key = null;
        WithPassphraseBytes(passphrase, pass => key = Argon2id(cost).DeriveKey(pass, salt, Aead));
        return key!;
    }

    private static Argon2id Argon2id(KdfCost cost) =>
        PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            // libsodium's crypto_pwhash: one lane, memlimit in bytes (here KiB), opslimit passes.
            DegreeOfParallelism = 1,
            MemorySize = (long)(cost.MemLimitBytes / 1024),
            NumberOfPasses = (long)cost.OpsLimit,
        });

    /// <summary>
    /// Hands the passphrase to Argon2id as UTF-8, as version 1 did (NSec's string overloads
    /// would hash UTF-16), in a pinned buffer wiped afterwards.
    /// </summary>
    private static void WithPassphraseBytes(string passphrase, Action<byte[]> derive)
    {
        var pass = GC.AllocateArray<byte>(System.Text.Encoding.UTF8.GetByteCount(passphrase), pinned: true);
        try
        {
            System.Text.Encoding.UTF8.GetBytes(passphrase, pass);
            derive(pass);
        }
        catch (CryptographicException ex)
        {
            throw new KeyFileException("Key derivation failed: not enough memory for Argon2id.", ex);
        }
        finally
        {
            Ed25519.Zero(pass);
        }
    }
}

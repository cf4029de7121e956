using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace GovChain.Core.Crypto;

/// <summary>
/// Opens NaCl secretbox (XSalsa20-Poly1305) ciphertexts, the cipher of version-1 key files,
/// with BouncyCastle's managed code: NSec does not offer it and no native import is needed.
/// Only opening is provided; new files are sealed with XChaCha20-Poly1305.
/// </summary>
internal static class LegacySecretBox
{
    internal const int KeySize = 32;
    internal const int NonceSize = 24;
    internal const int TagSize = 16;

    /// <summary>
    /// Checks the tag of <paramref name="box"/> (tag || ciphertext, as libsodium's
    /// crypto_secretbox_easy writes it) and, only when it matches, decrypts into <paramref name="message"/>.
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> box, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key, Span<byte> message)
    {
        if (key.Length != KeySize || nonce.Length != NonceSize || box.Length < TagSize || message.Length != box.Length - TagSize)
        {
            return false;
        }

        var tag = box[..TagSize];
        var cipher = box[TagSize..];
        var stream = new XSalsa20Engine();
        stream.Init(forEncryption: false, new ParametersWithIV(new KeyParameter(key), nonce));

        // The first 32 bytes of the key stream are the one-time Poly1305 key; the message is
        // XORed with the stream from byte 32 on.
        Span<byte> macKey = stackalloc byte[32];
        Span<byte> expected = stackalloc byte[TagSize];
        try
        {
            macKey.Clear();
            stream.ProcessBytes(macKey, macKey);
            var mac = new Poly1305();
            mac.Init(new KeyParameter(macKey));
            mac.BlockUpdate(cipher);
            mac.DoFinal(expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            {
                return false;
            }

            stream.ProcessBytes(cipher, message);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(macKey);
            stream.Reset();
        }
    }
}

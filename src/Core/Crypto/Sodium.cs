using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GovChain.Core.Native;

namespace GovChain.Core.Crypto;

/// <summary>The libsodium entry points GovChain uses (Debian package libsodium23).</summary>
internal static partial class Sodium
{
    private const string Lib = "sodium";

    internal const int PublicKeyBytes = 32;
    internal const int SecretKeyBytes = 64;
    internal const int SeedBytes = 32;
    internal const int SignatureBytes = 64;
    internal const int SecretBoxKeyBytes = 32;
    internal const int SecretBoxNonceBytes = 24;
    internal const int SecretBoxMacBytes = 16;
    internal const int PwHashSaltBytes = 16;
    internal const int PwHashAlgArgon2id13 = 2;

    private static readonly int InitResult;

    // An explicit static constructor (not a field initialiser) guarantees the resolver is in
    // place before the first P/Invoke of this class is bound.
#pragma warning disable CA1810
    static Sodium()
    {
        NativeLibraryResolver.Register(typeof(Sodium).Assembly, Lib, "libsodium23", "libsodium.so.23", "libsodium.so");
        InitResult = sodium_init();
    }
#pragma warning restore CA1810

    /// <summary>Forces the library to load and initialise; throws <see cref="NativeLibraryMissingException"/> when absent.</summary>
    internal static void EnsureLoaded()
    {
        if (InitResult < 0)
        {
            throw new InvalidOperationException("libsodium failed to initialise (sodium_init returned -1).");
        }
    }

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int sodium_init();

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial int crypto_sign_ed25519_seed_keypair(byte* pk, byte* sk, byte* seed);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial int crypto_sign_ed25519_detached(byte* sig, ulong* siglen, byte* m, ulong mlen, byte* sk);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial int crypto_sign_ed25519_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial void randombytes_buf(byte* buf, nuint size);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial void sodium_memzero(byte* pnt, nuint len);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial int crypto_pwhash(
        byte* @out, ulong outlen, byte* passwd, ulong passwdlen, byte* salt, ulong opslimit, nuint memlimit, int alg);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial int crypto_secretbox_easy(byte* c, byte* m, ulong mlen, byte* n, byte* k);

    [LibraryImport(Lib)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial int crypto_secretbox_open_easy(byte* m, byte* c, ulong clen, byte* n, byte* k);
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using GovChain.Core.Crypto;

namespace GovChain.Benchmarks.Core;

/// <summary>
/// Sign and verify through GovChain's binding, against a direct call into libsodium with no
/// wrapper, so the wrapper's overhead is visible (the issue allows at most 10%).
/// </summary>
[MemoryDiagnoser]
public partial class CryptoBenchmarks
{
    private readonly byte[] _message = new byte[200];
    private KeyPair _key = null!;
    private byte[] _publicKey = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_message);
        _key = KeyPair.Generate();
        _publicKey = _key.PublicKeyBytes();
        _signature = _key.Sign(_message);
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public byte[] Sign() => _key.Sign(_message);

    [Benchmark(Baseline = true)]
    public unsafe int VerifyRawLibsodium()
    {
        fixed (byte* sig = _signature)
        fixed (byte* m = _message)
        fixed (byte* pk = _publicKey)
        {
            return crypto_sign_ed25519_verify_detached(sig, m, (ulong)_message.Length, pk);
        }
    }

    [Benchmark]
    public bool Verify() => Ed25519.Verify(_publicKey, _message, _signature);

    [Benchmark]
    public byte[] Sha256Of200Bytes() => SHA256.HashData(_message);

    [LibraryImport("libsodium.so.23")]
    private static unsafe partial int crypto_sign_ed25519_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);
}

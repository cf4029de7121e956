using System.Runtime.InteropServices;
using GovChain.Core.Crypto;

namespace GovChain.Benchmarks.Core;

/// <summary>
/// GovChain's Ed25519 verify against raw crypto_sign_ed25519_verify_detached (the libsodium NSec
/// ships), measured in alternating blocks on this thread's CPU clock. On a shared machine the
/// load changes between BenchmarkDotNet's sequential benchmarks and swamps a 10% difference;
/// alternating blocks see the same load, and CPU time leaves out time spent waiting for a core.
/// Run: <c>GovChain.Benchmarks --verify-ratio [rounds]</c>.
/// </summary>
internal static partial class VerifyRatio
{
    private const int Block = 200;
    private const int ClockThreadCpuTime = 3;

    public static int Run(int rounds)
    {
        var message = new byte[200];
        new Random(1).NextBytes(message);
        using var key = KeyPair.Generate();
        var publicKey = key.PublicKeyBytes();
        var signature = key.Sign(message);

        var raw = new double[rounds];
        var ours = new double[rounds];
        var imported = new double[rounds];
        for (var round = -3; round < rounds; round++)
        {
            // Alternate which goes first so neither always inherits the other's cache state.
            var rawFirst = (round & 1) == 0;
            var a = rawFirst ? TimeRaw(publicKey, message, signature) : TimeOurs(publicKey, message, signature);
            var b = rawFirst ? TimeOurs(publicKey, message, signature) : TimeRaw(publicKey, message, signature);
            var c = TimeImportEachCall(publicKey, message, signature);
            if (round >= 0)
            {
                raw[round] = rawFirst ? a : b;
                ours[round] = rawFirst ? b : a;
                imported[round] = c;
            }
        }

        var mapped = File.ReadLines("/proc/self/maps").Where(l => l.Contains("libsodium", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf('/', StringComparison.Ordinal)..]).Distinct(StringComparer.Ordinal);
        Console.WriteLine($"libsodium mapped: {string.Join(", ", mapped)}");
        var ratios = raw.Zip(ours, (r, o) => o / r).ToArray();
        Console.WriteLine($"rounds {rounds} x {Block} verifies each, thread CPU time per verify (median):");
        Console.WriteLine($"  raw libsodium crypto_sign_ed25519_verify_detached  {Median(raw):F2} us");
        Console.WriteLine($"  GovChain Ed25519.Verify (NSec, cached key)         {Median(ours):F2} us");
        Console.WriteLine($"  NSec, public key imported per call                 {Median(imported):F2} us");
        Console.WriteLine($"  ratio GovChain / raw: median {Median(ratios):F3} (quartiles {Quantile(ratios, 0.25):F3}..{Quantile(ratios, 0.75):F3})");
        return 0;
    }

    private static unsafe double TimeRaw(byte[] publicKey, byte[] message, byte[] signature)
    {
        var start = ThreadCpuMicroseconds();
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        fixed (byte* pk = publicKey)
        {
            for (var i = 0; i < Block; i++)
            {
                if (crypto_sign_ed25519_verify_detached(sig, m, (ulong)message.Length, pk) != 0)
                {
                    throw new InvalidOperationException("raw libsodium rejected a valid signature");
                }
            }
        }

        return (ThreadCpuMicroseconds() - start) / Block;
    }

    private static double TimeOurs(byte[] publicKey, byte[] message, byte[] signature)
    {
        var start = ThreadCpuMicroseconds();
        for (var i = 0; i < Block; i++)
        {
            if (!Ed25519.Verify(publicKey, message, signature))
            {
                throw new InvalidOperationException("Ed25519.Verify rejected a valid signature");
            }
        }

        return (ThreadCpuMicroseconds() - start) / Block;
    }

    private static double TimeImportEachCall(byte[] publicKey, byte[] message, byte[] signature)
    {
        var algorithm = NSec.Cryptography.SignatureAlgorithm.Ed25519;
        var start = ThreadCpuMicroseconds();
        for (var i = 0; i < Block; i++)
        {
            var key = NSec.Cryptography.PublicKey.Import(algorithm, publicKey, NSec.Cryptography.KeyBlobFormat.RawPublicKey);
            if (!algorithm.Verify(key, message, signature))
            {
                throw new InvalidOperationException("NSec rejected a valid signature");
            }
        }

        return (ThreadCpuMicroseconds() - start) / Block;
    }

    private static double Median(double[] values) => Quantile(values, 0.5);

    private static double Quantile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Round(q * (sorted.Length - 1))];
    }

    private static unsafe double ThreadCpuMicroseconds()
    {
        TimeSpec ts;
        if (clock_gettime(ClockThreadCpuTime, &ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (ts.Seconds * 1e6) + (ts.Nanoseconds / 1e3);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static unsafe partial int clock_gettime(int clockId, TimeSpec* time);

    // The libsodium NSec ships, through the build's deps.json (as in CryptoBenchmarks).
    [LibraryImport("libsodium")]
    private static unsafe partial int crypto_sign_ed25519_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);
}

using System.Diagnostics;
using GovChain.Core.Crypto;

namespace GovChain.LoadGen;

/// <summary>
/// The machine's Ed25519 verification rate on all cores right now: the physical ceiling of
/// throughput, since every node verifies every transaction's signature once.
/// </summary>
internal static class VerifyCalibration
{
    public static double MeasureVerificationsPerSecond(TimeSpan duration)
    {
        const int Batch = 256;
        var keys = new byte[Batch][];
        var messages = new byte[Batch][];
        var signatures = new byte[Batch][];
        for (var i = 0; i < Batch; i++)
        {
            using var key = KeyPair.Generate();
            keys[i] = key.PublicKeyBytes();
            messages[i] = new byte[200];
            Ed25519.RandomBytes(messages[i]);
            signatures[i] = key.Sign(messages[i]);
        }

        var workers = Environment.ProcessorCount;
        var counts = new long[workers];
        var invalid = 0L;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var n = 0L;
            for (var i = w; Stopwatch.GetTimestamp() < end; i++)
            {
                var k = i % Batch;
                if (!Ed25519.Verify(keys[k], messages[k], signatures[k]))
                {
                    Interlocked.Increment(ref invalid);
                }

                n++;
            }

            counts[w] = n;
        });
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (invalid != 0)
        {
            throw new InvalidOperationException($"{invalid} valid signatures failed to verify: the Ed25519 library is broken");
        }

        return counts.Sum() / seconds;
    }
}

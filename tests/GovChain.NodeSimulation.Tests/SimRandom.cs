namespace GovChain.NodeSimulation.Tests;

/// <summary>SplitMix64: small, fast and the same sequence for a seed on every machine and runtime.</summary>
internal sealed class SimRandom
{
    private ulong _state;

    public SimRandom(ulong seed) => _state = seed;

    public ulong NextULong()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, max).</summary>
    public int Next(int max) => max <= 1 ? 0 : (int)(NextULong() % (ulong)max);

    /// <summary>Uniform in [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    /// <summary>True with probability <paramref name="p"/> (integer arithmetic on millionths, no floating point drift between platforms).</summary>
    public bool Chance(double p) => p > 0 && (NextULong() % 1_000_000UL) < (ulong)(p * 1_000_000);

    public void Fill(Span<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)NextULong();
        }
    }

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        Fill(bytes);
        return bytes;
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>An independent stream derived from this one (so adding draws in one part of the run leaves another's alone).</summary>
    public SimRandom Fork() => new(NextULong());
}

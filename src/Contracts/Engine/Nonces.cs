using GovChain.Core.Hashing;
using GovChain.Core.State;

namespace GovChain.Contracts.Engine;

/// <summary>
/// Per-sender nonces, kept by the engine at "nonce/&lt;hex sender&gt;" as the last consumed
/// nonce (8 bytes, big-endian). A sender's first transaction has nonce 1.
/// </summary>
internal static class Nonces
{
    public static byte[] Key(ReadOnlySpan<byte> sender) => RecordKeys.Nonce(sender);

    public static ulong Next(IStateReader state, ReadOnlySpan<byte> sender) => NextAt(state, Key(sender), sender);

    /// <summary>As <see cref="Next"/>, with the key already built (the engine writes it next).</summary>
    public static ulong NextAt(IStateReader state, byte[] key, ReadOnlySpan<byte> sender)
    {
        var stored = state.Get(key);
        if (stored is null)
        {
            return 1;
        }

        if (!StateKeys.TryDecodeUInt64(stored, out var last))
        {
            throw new InvalidOperationException($"Nonce record of {Hex.Encode(sender)} is {stored.Length} bytes, expected 8.");
        }

        return last + 1;
    }
}

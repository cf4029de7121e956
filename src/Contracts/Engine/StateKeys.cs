using System.Buffers.Binary;

namespace GovChain.Contracts.Engine;

/// <summary>
/// How the engine stores counters under a state key. The keys themselves are built by
/// <see cref="RecordKeys"/>, which clients share to ask for state proofs.
/// </summary>
internal static class StateKeys
{
    public static byte[] EncodeUInt64(ulong value)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    public static bool TryDecodeUInt64(byte[]? bytes, out ulong value)
    {
        if (bytes is { Length: sizeof(ulong) })
        {
            value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            return true;
        }

        value = 0;
        return false;
    }
}

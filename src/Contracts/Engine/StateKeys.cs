using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace GovChain.Contracts.Engine;

/// <summary>
/// State keys are readable ASCII paths, "contract/kind/id[/...]", so a state proof names
/// what it proves. Identifier rules (<see cref="Identifiers"/>) keep '/' out of ids.
/// </summary>
internal static class StateKeys
{
    public static byte[] Of(string path) => Encoding.UTF8.GetBytes(path);

    public static byte[] Of(string prefix, string id) => Encoding.UTF8.GetBytes(string.Concat(prefix, id));

    public static byte[] Of(string prefix, string id, string suffix) => Encoding.UTF8.GetBytes(string.Concat(prefix, id, "/", suffix));

    public static byte[] Of(string prefix, ByteString key) => Of(prefix, Identifiers.KeyHex(key));

    /// <summary>Fixed-width decimal, so sequence keys sort in numeric order.</summary>
    public static string Sequence(ulong value) => value.ToString("D20", CultureInfo.InvariantCulture);

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

using System.Buffers.Binary;

namespace GovChain.Storage.State;

/// <summary>
/// A version of one state key in the value history: [1 present | 0 deleted][u16 key length]
/// [key][value]. The key is kept beside its hash so reads check they got the key they asked
/// for and so the state can be exported.
/// </summary>
internal static class ValueRecord
{
    private const int HeaderSize = 3;

    public static byte[] Encode(ReadOnlySpan<byte> key, byte[]? value)
    {
        var record = new byte[HeaderSize + key.Length + (value?.Length ?? 0)];
        record[0] = value is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(1), (ushort)key.Length);
        key.CopyTo(record.AsSpan(HeaderSize));
        value?.CopyTo(record.AsSpan(HeaderSize + key.Length));
        return record;
    }

    /// <summary>Splits a record; throws <see cref="StorageCorruptionException"/> when it is malformed.</summary>
    public static bool Decode(ReadOnlySpan<byte> record, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        if (record.Length < HeaderSize || record[0] > 1)
        {
            throw new StorageCorruptionException("State value record is malformed.");
        }

        var keyLength = BinaryPrimitives.ReadUInt16BigEndian(record[1..]);
        if (record.Length < HeaderSize + keyLength || (record[0] == 0 && record.Length != HeaderSize + keyLength))
        {
            throw new StorageCorruptionException("State value record is malformed.");
        }

        key = record.Slice(HeaderSize, keyLength);
        value = record[(HeaderSize + keyLength)..];
        return record[0] == 1;
    }
}

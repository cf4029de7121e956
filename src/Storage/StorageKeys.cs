using System.Buffers.Binary;
using GovChain.Core.Hashing;

namespace GovChain.Storage;

/// <summary>
/// Key layouts of every column. Integers are big-endian so that byte order is numeric order;
/// versions inside state keys are inverted so the newest version of a key sorts first.
/// </summary>
internal static class StorageKeys
{
    public const int HeightSize = 8;
    public const int HeightIndexSize = 12;
    public const int NodeKeySize = 8 + 2 + Hash32.Size;
    public const int ValueKeySize = Hash32.Size + 8;

    public static readonly byte[] FormatMarker = "govchain.format"u8.ToArray();
    public static readonly byte[] LastCommitted = "govchain.last_committed"u8.ToArray();
    public static readonly byte[] OldestStateHeight = "govchain.oldest_state_height"u8.ToArray();

    /// <summary>The storage engine release that last opened the database for writing ("rocksdb 11.12.0").</summary>
    public static readonly byte[] EngineVersion = "govchain.engine_version"u8.ToArray();

    public static byte[] Height(ulong height)
    {
        var key = new byte[HeightSize];
        BinaryPrimitives.WriteUInt64BigEndian(key, height);
        return key;
    }

    public static ulong ReadHeight(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadUInt64BigEndian(key);

    public static byte[] HeightIndex(ulong height, uint index)
    {
        var key = new byte[HeightIndexSize];
        WriteHeightIndex(key, height, index);
        return key;
    }

    public static void WriteHeightIndex(Span<byte> destination, ulong height, uint index)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, height);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], index);
    }

    public static (ulong Height, uint Index) ReadHeightIndex(ReadOnlySpan<byte> value) =>
        (BinaryPrimitives.ReadUInt64BigEndian(value), BinaryPrimitives.ReadUInt32BigEndian(value[8..]));

    /// <summary>A tree node's key: the version that wrote it, its depth, and the path bits above it (the rest zeroed).</summary>
    public static void WriteNodeKey(Span<byte> destination, ulong version, int depth, in Hash32 pathSample)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], (ushort)depth);
        var path = destination[10..NodeKeySize];
        pathSample.CopyTo(path);
        var whole = depth >> 3;
        if (whole < Hash32.Size)
        {
            path[whole] &= (byte)~(0xFF >> (depth & 7));
            path[(whole + 1)..].Clear();
        }
    }

    public static byte[] NodeKey(ulong version, int depth, in Hash32 pathSample)
    {
        var key = new byte[NodeKeySize];
        WriteNodeKey(key, version, depth, pathSample);
        return key;
    }

    /// <summary>A value's key in the history: the key hash, then the inverted version, so a seek for version v finds the newest version at or below v.</summary>
    public static void WriteValueKey(Span<byte> destination, in Hash32 keyHash, ulong version)
    {
        keyHash.CopyTo(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[Hash32.Size..], ~version);
    }

    public static byte[] ValueKey(in Hash32 keyHash, ulong version)
    {
        var key = new byte[ValueKeySize];
        WriteValueKey(key, keyHash, version);
        return key;
    }

    public static ulong ReadValueVersion(ReadOnlySpan<byte> valueKey) =>
        ~BinaryPrimitives.ReadUInt64BigEndian(valueKey[Hash32.Size..]);

    public const byte StaleNode = 1;
    public const byte StaleValue = 2;

    /// <summary>A record that no height from <paramref name="staleSince"/> on needs: the height first, so pruning reads them in order.</summary>
    public static byte[] StaleKey(ulong staleSince, byte kind, ReadOnlySpan<byte> target)
    {
        var key = new byte[9 + target.Length];
        BinaryPrimitives.WriteUInt64BigEndian(key, staleSince);
        key[8] = kind;
        target.CopyTo(key.AsSpan(9));
        return key;
    }

    public static byte[] WalKey(ulong height, ulong sequence)
    {
        var key = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(key, height);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(8), sequence);
        return key;
    }
}

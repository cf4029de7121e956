using System.Globalization;
using System.Text;

namespace GovChain.Storage.Tests.Rocks;

/// <summary>
/// Reads which compressions an SST file was written with from its properties block, where
/// RocksDB stores them under <c>rocksdb.compression</c>: a name ("LZ4") up to table format 6,
/// "BuiltinV2;" and the hex types used ("BuiltinV2;07;") from format 7 on. Keys there are
/// prefix-compressed (after <c>rocksdb.comparator</c> the entry keeps only a tail such as
/// "ression") and an entry's value follows its key directly, so the value is found right after
/// the key's tail rather than by parsing the table format.
/// </summary>
internal static class SstProperties
{
    // Longest first, so LZ4HC is not read as LZ4.
    private static readonly string[] LegacyNames = ["NoCompression", "Snappy", "Xpress", "LZ4HC", "BZip2", "ZSTD", "Zlib", "LZ4"];

    private static readonly Dictionary<int, string> ByType = new()
    {
        [0x00] = "NoCompression", [0x01] = "Snappy", [0x02] = "Zlib", [0x03] = "BZip2",
        [0x04] = "LZ4", [0x05] = "LZ4HC", [0x06] = "Xpress", [0x07] = "ZSTD",
    };

    public static IReadOnlySet<string> Compressions(string sstFile)
    {
        var sst = File.ReadAllBytes(sstFile);
        var tail = "ression"u8;
        var from = 0;
        while (sst.AsSpan(from).IndexOf(tail) is var found and >= 0)
        {
            var start = from + found + tail.Length;
            var value = sst.AsSpan(start);
            if (value.StartsWith("BuiltinV2;"u8))
            {
                var text = Encoding.ASCII.GetString(value["BuiltinV2;".Length..Math.Min(value.Length, 64)]);
                var types = new HashSet<string>(StringComparer.Ordinal);
                foreach (var part in text.Split(';'))
                {
                    if (part.Length != 2 || !int.TryParse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var type))
                    {
                        break;
                    }

                    types.Add(ByType.GetValueOrDefault(type, $"type {type}"));
                }

                return types;
            }

            foreach (var name in LegacyNames)
            {
                if (value.StartsWith(Encoding.ASCII.GetBytes(name)))
                {
                    return new HashSet<string>([name], StringComparer.Ordinal);
                }
            }

            from += found + 1;
        }

        return new HashSet<string>(StringComparer.Ordinal);
    }
}

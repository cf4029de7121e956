using System.Globalization;
using RocksDbSharp;

namespace GovChain.Storage.Engine;

/// <summary>
/// Which RocksDB last wrote a data directory, and which one this build runs. RocksDB writes an
/// <c>OPTIONS-NNNNNN</c> file at every open, whose <c>[Version]</c> section names its release
/// (<c>rocksdb_version=7.8.3</c>); it is read before the database is opened, because opening with
/// a newer RocksDB already rewrites files (a recovery flush writes SSTs in the newer table
/// format) and an older RocksDB cannot open the directory afterwards.
/// </summary>
internal static class RocksDataVersion
{
    private const string OptionsFilePrefix = "OPTIONS-";
    private const string VersionKey = "rocksdb_version=";

    /// <summary>
    /// The RocksDB release of the native library the RocksDB package ships: the package is
    /// versioned after it (11.12.0.x carries RocksDB 11.12.0).
    /// </summary>
    public static Version Engine { get; } = FromPackage(typeof(RocksDb).Assembly.GetName().Version);

    /// <summary>The release named by the newest OPTIONS file in <paramref name="directory"/>, or null when there is none or it names none.</summary>
    public static Version? LastWrittenBy(string directory)
    {
        string? newest = null;
        var newestNumber = -1L;
        foreach (var path in Directory.EnumerateFiles(directory, OptionsFilePrefix + "*"))
        {
            var name = Path.GetFileName(path);
            if (long.TryParse(name.AsSpan(OptionsFilePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                && number > newestNumber)
            {
                newest = path;
                newestNumber = number;
            }
        }

        return newest is null ? null : ReadVersion(newest);
    }

    /// <summary>The <c>rocksdb_version</c> of one OPTIONS file (read line by line, a bounded number of lines: it is near the top).</summary>
    internal static Version? ReadVersion(string optionsFile)
    {
        using var reader = new StreamReader(optionsFile);
        for (var i = 0; i < 64 && reader.ReadLine() is { } line; i++)
        {
            var text = line.Trim();
            if (text.StartsWith(VersionKey, StringComparison.Ordinal))
            {
                return Version.TryParse(text.AsSpan(VersionKey.Length), out var version) ? version : null;
            }
        }

        return null;
    }

    /// <summary>Major and minor decide the on-disk formats RocksDB writes; a patch release does not change them.</summary>
    public static bool IsOlderRelease(Version stored, Version engine) =>
        stored.Major != engine.Major ? stored.Major < engine.Major : stored.Minor < engine.Minor;

    private static Version FromPackage(Version? package) =>
        package is null ? new Version(0, 0, 0) : new Version(package.Major, package.Minor, Math.Max(0, package.Build));
}

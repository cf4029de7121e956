using System.Runtime.InteropServices;
using RocksDbSharp;

namespace GovChain.Storage.Engine;

/// <summary>Turns RocksDB's errors into the exceptions callers see: corruption is its own kind.</summary>
internal static class RocksErrors
{
    public static StorageException From(string message) =>
        message.StartsWith("Corruption", StringComparison.Ordinal)
            ? new StorageCorruptionException("RocksDB: " + message)
            : new StorageException("RocksDB: " + message);

    public static StorageException From(RocksDbSharpException exception) =>
        exception.Message.StartsWith("Corruption", StringComparison.Ordinal)
            ? new StorageCorruptionException("RocksDB: " + exception.Message, exception)
            : new StorageException("RocksDB: " + exception.Message, exception);

    /// <summary>Throws for a RocksDB error string (malloc'ed by RocksDB, freed here).</summary>
    public static void ThrowIfError(nint error)
    {
        if (error == 0)
        {
            return;
        }

        var message = Marshal.PtrToStringUTF8(error) ?? "unknown RocksDB error";
        Native.Instance.rocksdb_free(error);
        throw From(message);
    }

    /// <summary>
    /// Loads the native library the RocksDB package ships now, so that a platform it has no
    /// build for is reported when the database opens, with what was searched.
    /// </summary>
    public static void EnsureLoaded()
    {
        try
        {
            _ = Native.Instance;
        }
        catch (TypeInitializationException ex)
        {
            var cause = ex.InnerException ?? ex;
            throw new StorageEngineUnavailableException(
                $"The RocksDB native library could not be loaded for {RuntimeInformation.RuntimeIdentifier}: {cause.Message} " +
                "The RocksDB package ships it for linux-x64, linux-arm64 (glibc and musl), osx-x64, osx-arm64 and win-x64; " +
                "reinstall the node so its runtimes folder is complete.",
                cause);
        }
    }
}

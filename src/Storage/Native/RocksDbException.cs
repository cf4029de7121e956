namespace GovChain.Storage.Native;

/// <summary>RocksDB reported an error; the message is RocksDB's own.</summary>
public sealed class RocksDbException : StorageException
{
    public RocksDbException()
    {
    }

    public RocksDbException(string message)
        : base(message)
    {
    }

    public RocksDbException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Maps RocksDB's status text to the exception a caller should see: corruption is its own kind.</summary>
    internal static StorageException FromMessage(string message) =>
        message.StartsWith("Corruption", StringComparison.Ordinal)
            ? new StorageCorruptionException("RocksDB: " + message)
            : new RocksDbException("RocksDB: " + message);
}

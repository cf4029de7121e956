namespace GovChain.Storage;

/// <summary>The store refused an operation or could not complete it; nothing was changed.</summary>
public class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Stored data failed a check on the way back (a checksum, a hash, a broken record): the
/// data directory is damaged. Damaged data is never served.
/// </summary>
public sealed class StorageCorruptionException : StorageException
{
    public StorageCorruptionException()
    {
    }

    public StorageCorruptionException(string message)
        : base(message)
    {
    }

    public StorageCorruptionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The storage engine itself cannot run here: the RocksDB native library that the RocksDB
/// package ships could not be loaded (an unsupported platform or an incomplete install).
/// Retrying does not help.
/// </summary>
public sealed class StorageEngineUnavailableException : StorageException
{
    public StorageEngineUnavailableException()
    {
    }

    public StorageEngineUnavailableException(string message)
        : base(message)
    {
    }

    public StorageEngineUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

namespace GovChain.Storage;

/// <summary>How a node database is run.</summary>
public sealed record StorageOptions
{
    /// <summary>
    /// Each commit is on stable storage (the RocksDB WAL synced) when the append returns.
    /// Turn off only in benchmarks: without it a power loss can lose acknowledged blocks.
    /// </summary>
    public bool SyncWrites { get; init; } = true;

    /// <summary>
    /// How many recent heights of state stay readable and provable; 0 keeps every height.
    /// With 0 the stale index pruning works from is not written, so turning pruning on later
    /// reclaims what becomes stale from then on, not the history written before.
    /// </summary>
    public int KeepRecentHeights { get; init; }

    /// <summary>Size of the block cache shared by all column families.</summary>
    public long BlockCacheBytes { get; init; } = 64L * 1024 * 1024;

    internal void Validate()
    {
        if (KeepRecentHeights < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepRecentHeights), KeepRecentHeights, "Cannot keep a negative number of heights.");
        }

        if (BlockCacheBytes < 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockCacheBytes), BlockCacheBytes, "The block cache needs at least 1 MiB.");
        }
    }
}

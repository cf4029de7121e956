using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using GovChain.Core.Hashing;
using GovChain.Storage.Blocks;
using GovChain.Storage.Engine;
using GovChain.Storage.State;
using GovChain.Storage.Wal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovChain.Storage;

/// <summary>
/// A node's database: blocks, transactions, state and the consensus WAL of one chain, in one
/// RocksDB directory (or in memory, for tests and simulations). The directory carries a format
/// marker with the chain id and genesis hash, so a node never runs on another chain's data.
/// </summary>
public sealed partial class NodeDatabase : IDisposable
{
    /// <summary>
    /// Version of the on-disk data this code reads and writes. 2: the stored votes and commit
    /// certificates sign the chain id bound to the genesis hash (GenesisDocument.SigningChainId).
    /// </summary>
    public const uint FormatVersion = 2;

    /// <summary>
    /// The format whose certificates signed the bare chain id. Its layout is the same, so storage
    /// still reads it (tools, engine upgrades); a node refuses it, as its certificates no longer verify.
    /// </summary>
    public const uint UnboundGenesisFormatVersion = 1;

    private readonly IKeyValueStore _kv;
    private readonly BlockStore _blocks;
    private readonly StateStore _state;
    private readonly IConsensusWal _wal;
    private int _disposed;

    private NodeDatabase(
        IKeyValueStore kv, string chainId, Hash32 genesisHash, StorageOptions options, string location, ILogger? walLogger = null, string? engine = null)
    {
        _kv = kv;
        ChainId = chainId;
        GenesisHash = genesisHash;
        Location = location;
        StoredFormatVersion = CheckOrWriteMarker(kv, chainId, genesisHash, location, options);
        if (engine is not null)
        {
            RecordEngine(kv, engine, options);
        }

        var (lastHeight, lastHash) = ReadLastCommitted(kv);
        var commitLock = new Lock();
        _state = new StateStore(kv, options, commitLock, lastHeight);
        _blocks = new BlockStore(kv, _state, options, commitLock, chainId, genesisHash, lastHeight, lastHash);
        _wal = walLogger is null ? new ConsensusWal(kv) : OpenWalFile(kv, location, walLogger);
    }

    public string ChainId { get; }

    public Hash32 GenesisHash { get; }

    /// <summary>The format version the directory's marker records (<see cref="FormatVersion"/> for a new one).</summary>
    public uint StoredFormatVersion { get; }

    /// <summary>The directory, or "(memory)".</summary>
    public string Location { get; }

    public IBlockStore Blocks => _blocks;

    public IStateStore State => _state;

    public IConsensusWal ConsensusWal => _wal;

    /// <summary>The consensus WAL's file (<c>consensus.wal</c> in the data directory), or null in memory.</summary>
    public string? ConsensusWalFile => (_wal as FileConsensusWal)?.Path;

    /// <summary>
    /// Opens (or creates) the database in <paramref name="directory"/>. Throws
    /// <see cref="StorageException"/> with the reason when the directory holds something else or
    /// another chain's data, <see cref="StorageCorruptionException"/> when it is damaged, and
    /// <see cref="StorageEngineUnavailableException"/> when the RocksDB native library cannot be
    /// loaded on this platform. A directory last written by an older RocksDB release is upgraded
    /// in place, which an older RocksDB cannot open afterwards: that is logged (event 4002) before
    /// RocksDB opens it.
    /// </summary>
    public static NodeDatabase Open(
        string directory, string chainId, Hash32 genesisHash, StorageOptions? options = null, ILogger<NodeDatabase>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        options ??= new StorageOptions();
        options.Validate();
        var log = (ILogger?)logger ?? NullLogger.Instance;
        var started = Stopwatch.GetTimestamp();
        var fullPath = Path.GetFullPath(directory);
        var createNew = CheckDirectory(fullPath);
        if (!createNew)
        {
            WarnOnEngineChange(log, fullPath);
        }

        RocksKeyValueStore kv;
        try
        {
            kv = RocksKeyValueStore.Open(fullPath, new RocksEngineOptions(options.BlockCacheBytes, createNew));
        }
        catch (StorageEngineUnavailableException ex)
        {
            // Nothing about this directory: the message says what is missing.
            LogOpenFailed(log, fullPath, ex.Message);
            throw;
        }
        catch (StorageCorruptionException ex)
        {
            LogOpenFailed(log, fullPath, ex.Message);
            throw new StorageCorruptionException($"The data directory {fullPath} is damaged: {ex.Message}", ex);
        }
        catch (StorageException ex)
        {
            LogOpenFailed(log, fullPath, ex.Message);
            throw new StorageException($"The data directory {fullPath} cannot be opened as a GovChain database: {ex.Message}", ex);
        }

        try
        {
            var db = new NodeDatabase(kv, chainId, genesisHash, options, fullPath, log, EngineName);
            LogOpened(log, fullPath, chainId, db.Blocks.LastHeight, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return db;
        }
        catch (Exception ex)
        {
            kv.Dispose();
            LogOpenFailed(log, fullPath, ex.Message);
            if (ex is IOException or UnauthorizedAccessException)
            {
                throw new StorageException($"The data directory {fullPath} cannot be opened: {ex.Message}", ex);
            }

            throw;
        }
    }

    /// <summary>A database held in memory, with the same behaviour and checks as the RocksDB one.</summary>
    public static NodeDatabase OpenInMemory(string chainId, Hash32 genesisHash, StorageOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        options ??= new StorageOptions();
        options.Validate();
        return new NodeDatabase(new MemoryKeyValueStore(), chainId, genesisHash, options, "(memory)");
    }

    internal static NodeDatabase OpenOn(IKeyValueStore kv, string chainId, Hash32 genesisHash, StorageOptions options) =>
        new(kv, chainId, genesisHash, options, "(engine)");

    internal IKeyValueStore Engine => _kv;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            (_wal as IDisposable)?.Dispose();
            _kv.Dispose();
        }
    }

    /// <summary>
    /// Opens the WAL file, first moving into it the records an older version kept in the
    /// <c>consensus_wal</c> column (only into a file that holds none, so a crash between the two
    /// steps does not import them twice).
    /// </summary>
    private static FileConsensusWal OpenWalFile(IKeyValueStore kv, string directory, ILogger logger)
    {
        var wal = FileConsensusWal.Open(Path.Combine(directory, FileConsensusWal.FileName), logger);
        try
        {
            var old = new ConsensusWal(kv);
            if (old.Count > 0)
            {
                if (wal.Count == 0)
                {
                    foreach (var record in old.ReadAll())
                    {
                        wal.Append(record.Height, record.Payload.Span);
                    }
                }

                old.TruncateBelow(ulong.MaxValue);
            }

            return wal;
        }
        catch
        {
            wal.Dispose();
            throw;
        }
    }

    private static string EngineName => "rocksdb " + RocksDataVersion.Engine.ToString(3);

    /// <summary>
    /// Says, before RocksDB touches the directory, when it was last written by another RocksDB
    /// release: opening it with a newer one is a one-way upgrade (new SSTs are written in a table
    /// format the older release cannot read), and an older one may not open it at all.
    /// </summary>
    private static void WarnOnEngineChange(ILogger log, string path)
    {
        Version? stored;
        try
        {
            stored = RocksDataVersion.LastWrittenBy(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // RocksDB's own open reports an unreadable directory with its reason.
            return;
        }

        var engine = RocksDataVersion.Engine;
        if (stored is null)
        {
            return;
        }

        if (RocksDataVersion.IsOlderRelease(stored, engine))
        {
            LogOneWayUpgrade(log, path, stored.ToString(), engine.ToString(3));
        }
        else if (RocksDataVersion.IsOlderRelease(engine, stored))
        {
            LogWrittenByNewer(log, path, stored.ToString(), engine.ToString(3));
        }
    }

    /// <summary>Keeps in the meta family which engine release last opened the database for writing.</summary>
    private static void RecordEngine(IKeyValueStore kv, string engine, StorageOptions options)
    {
        var value = Encoding.UTF8.GetBytes(engine);
        if (kv.Get(Column.Meta, StorageKeys.EngineVersion) is { } stored && stored.AsSpan().SequenceEqual(value))
        {
            return;
        }

        using var batch = kv.CreateBatch();
        batch.Put(Column.Meta, StorageKeys.EngineVersion, value);
        kv.Write(batch, options.SyncWrites);
    }

    /// <summary>The engine release recorded in the meta family ("rocksdb 11.12.0"), or null (in memory, or written before it was recorded).</summary>
    internal string? RecordedEngine =>
        _kv.Get(Column.Meta, StorageKeys.EngineVersion) is { } value ? Encoding.UTF8.GetString(value) : null;

    /// <summary>Returns true when a new database is to be created; throws when the directory holds something that is not one.</summary>
    private static bool CheckDirectory(string path)
    {
        if (File.Exists(path))
        {
            throw new StorageException($"The data directory {path} is a file.");
        }

        if (!Directory.Exists(path) || !Directory.EnumerateFileSystemEntries(path).Any())
        {
            Directory.CreateDirectory(path);
            return true;
        }

        if (!File.Exists(Path.Combine(path, "CURRENT")))
        {
            throw new StorageException(
                $"The data directory {path} is not empty and holds no database (no RocksDB CURRENT file): " +
                "it is damaged or belongs to something else. Point the node at an empty directory or restore the data.");
        }

        return false;
    }

    private static uint CheckOrWriteMarker(IKeyValueStore kv, string chainId, Hash32 genesisHash, string location, StorageOptions options)
    {
        var marker = kv.Get(Column.Meta, StorageKeys.FormatMarker);
        if (marker is null)
        {
            using (var cursor = kv.OpenCursor(Column.Blocks))
            {
                cursor.SeekToFirst();
                if (cursor.Valid || kv.Get(Column.Meta, StorageKeys.LastCommitted) is not null)
                {
                    throw new StorageException($"The database in {location} has blocks but no GovChain format marker: it is damaged or foreign.");
                }
            }

            using var batch = kv.CreateBatch();
            batch.Put(Column.Meta, StorageKeys.FormatMarker, EncodeMarker(chainId, genesisHash));
            kv.Write(batch, options.SyncWrites);
            return FormatVersion;
        }

        var (version, storedChain, storedGenesis) = DecodeMarker(marker, location);
        if (version != FormatVersion && version != UnboundGenesisFormatVersion)
        {
            throw new StorageException($"The database in {location} has format version {version}; this node reads version {FormatVersion}.");
        }

        if (storedChain != chainId || storedGenesis != genesisHash)
        {
            throw new StorageException(
                $"The database in {location} belongs to chain '{storedChain}' (genesis {storedGenesis.ToShortString()}), " +
                $"not to '{chainId}' (genesis {genesisHash.ToShortString()}).");
        }

        return version;
    }

    private static byte[] EncodeMarker(string chainId, Hash32 genesisHash)
    {
        var chain = Encoding.UTF8.GetBytes(chainId);
        var marker = new byte[4 + 2 + chain.Length + Hash32.Size];
        BinaryPrimitives.WriteUInt32BigEndian(marker, FormatVersion);
        BinaryPrimitives.WriteUInt16BigEndian(marker.AsSpan(4), checked((ushort)chain.Length));
        chain.CopyTo(marker, 6);
        genesisHash.CopyTo(marker.AsSpan(6 + chain.Length));
        return marker;
    }

    private static (uint Version, string ChainId, Hash32 Genesis) DecodeMarker(byte[] marker, string location)
    {
        if (marker.Length >= 6)
        {
            var chainLength = BinaryPrimitives.ReadUInt16BigEndian(marker.AsSpan(4));
            if (marker.Length == 6 + chainLength + Hash32.Size)
            {
                return (BinaryPrimitives.ReadUInt32BigEndian(marker),
                    Encoding.UTF8.GetString(marker, 6, chainLength),
                    new Hash32(marker.AsSpan(6 + chainLength)));
            }
        }

        throw new StorageCorruptionException($"The format marker of the database in {location} is damaged.");
    }

    private static (ulong Height, Hash32 Hash) ReadLastCommitted(IKeyValueStore kv)
    {
        var last = kv.Get(Column.Meta, StorageKeys.LastCommitted);
        if (last is null)
        {
            return (0, Hash32.Zero);
        }

        return last.Length == StorageKeys.HeightSize + Hash32.Size
            ? (StorageKeys.ReadHeight(last), new Hash32(last.AsSpan(StorageKeys.HeightSize)))
            : throw new StorageCorruptionException("The last-committed record is damaged.");
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "Opened node database {Path} of chain {ChainId} at height {Height} in {ElapsedMs:F0} ms")]
    private static partial void LogOpened(ILogger logger, string path, string chainId, ulong height, double elapsedMs);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Cannot open node database {Path}: {Reason}")]
    private static partial void LogOpenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "Node database {Path} was last written by RocksDB {StoredVersion}; opening it with RocksDB {EngineVersion} upgrades it one way: " +
                  "RocksDB {StoredVersion} (such as Debian's librocksdb) cannot open it afterwards. Keep a copy of the directory to be able to go back")]
    private static partial void LogOneWayUpgrade(ILogger logger, string path, string storedVersion, string engineVersion);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Node database {Path} was last written by RocksDB {StoredVersion}, newer than this node's RocksDB {EngineVersion}: it may not open, or may not read what the newer release wrote")]
    private static partial void LogWrittenByNewer(ILogger logger, string path, string storedVersion, string engineVersion);
}

using System.Diagnostics;
using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Core.Blocks;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Node.Mempool;
using GovChain.Node.Metrics;
using GovChain.Protocol;
using GovChain.Storage;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Chain;

/// <summary>
/// Builds, validates and commits blocks against the node database. Used from the consensus
/// loop only (one thread): a proposal or a validated block is executed once, its prepared
/// state cached by block hash, and the commit writes that prepared result.
/// </summary>
public sealed partial class BlockExecutor
{
    /// <summary>Default bounds when genesis leaves them at zero; a block must fit one peer message (4 MiB by default).</summary>
    public const int DefaultMaxBlockTxs = 10_000;
    public const int DefaultMaxBlockBytes = 3 * 1024 * 1024;
    public const int MaxEvidencePerBlock = 32;
    public const int DefaultMaxTxBytes = 64 * 1024;

    /// <summary>How far ahead of this node's clock a proposed block's time may be.</summary>
    public static readonly TimeSpan MaxClockDrift = TimeSpan.FromSeconds(30);

    private const int PreparedCacheBound = 16;

    private readonly NodeDatabase _db;
    private readonly ContractEngine _engine;
    private readonly TransactionPool _pool;
    private readonly GenesisDocument _genesis;
    private readonly ValidatorSchedule _validators;
    private readonly ICommitFeed _feed;
    private readonly NodeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ByteString _proposer;
    private readonly Dictionary<Hash32, PreparedBlock> _prepared = [];

    public BlockExecutor(
        NodeDatabase database,
        ContractEngine engine,
        TransactionPool pool,
        GenesisDocument genesis,
        ValidatorSchedule validators,
        ICommitFeed feed,
        NodeMetrics metrics,
        TimeProvider time,
        ILogger logger,
        ReadOnlySpan<byte> proposerKey)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _db = database;
        _engine = engine;
        _pool = pool;
        _genesis = genesis;
        _validators = validators;
        _feed = feed;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _proposer = ByteString.CopyFrom(proposerKey);
        Admissions = new AdmissionTimes(time, 1_000_000);
        ProposerKeys = [proposerKey.ToArray()];
        var parameters = genesis.Proto.Consensus;
        MaxBlockTxs = parameters is { MaxBlockTxs: > 0 } ? (int)Math.Min(parameters.MaxBlockTxs, int.MaxValue) : DefaultMaxBlockTxs;
        MaxBlockBytes = parameters is { MaxBlockBytes: > 0 } ? parameters.MaxBlockBytes : DefaultMaxBlockBytes;
        MaxTxBytes = parameters is { MaxTxBytes: > 0 } ? (int)Math.Min(parameters.MaxTxBytes, int.MaxValue) : DefaultMaxTxBytes;
        Budget = new ProposalBudget(MaxBlockTxs, TimeSpan.Zero);
    }

    /// <summary>Bounds this node's proposals by what it can execute in time (off until given a budget).</summary>
    public ProposalBudget Budget { get; }

    public int MaxBlockTxs { get; }

    public long MaxBlockBytes { get; }

    public int MaxTxBytes { get; }

    public string ChainId => _genesis.ChainId;

    public ValidatorSchedule Validators => _validators;

    /// <summary>
    /// Writes the genesis state into a fresh database. A node killed after writing it and
    /// before block 1 finds it there on restart: it goes on when it is what this genesis
    /// produces, and refuses to start on any other.
    /// </summary>
    public void InitializeGenesis()
    {
        if (_db.Blocks.LastHeight > 0)
        {
            return;
        }

        var prepared = _db.State.Prepare(0, ContractEngine.InitialState(_genesis));
        if (!_db.State.HasGenesis)
        {
            _db.State.CommitGenesis(prepared);
            LogGenesis(_logger, _genesis.ChainId, prepared.Root.ToShortString());
            return;
        }

        if (prepared.Root != _db.State.Root)
        {
            throw new StorageCorruptionException(
                $"The database holds a genesis state with root {_db.State.Root.ToShortString()} and no block, but the genesis file "
                + $"of chain '{_genesis.ChainId}' produces root {prepared.Root.ToShortString()}: it was written from another genesis file, "
                + "or is damaged. Start with the genesis file it was created with, or an empty data directory.");
        }
    }

    /// <summary>
    /// Builds this node's proposal for the next height: executable transactions from the
    /// mempool within the block bounds, executed and prepared, every header field filled.
    /// </summary>
    public PreparedBlock BuildProposal(ulong height, IReadOnlyList<Evidence> evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        RequireNextHeight(height);
        var started = Stopwatch.GetTimestamp();
        CommitCertificate? lastCommit = null;
        if (height > 1)
        {
            lastCommit = _db.Blocks.GetCertificate(height - 1)
                ?? throw new StorageException($"The certificate of block {height - 1} is missing.");
        }

        // Evidence and the parent certificate first: their bytes count against the block's,
        // and the transactions fill what is left (4 KiB kept for the header and framing).
        var selected = SelectEvidence(height, evidence, out var evidenceBytes);
        var fixedBytes = 4096 + evidenceBytes + (lastCommit?.CalculateSize() ?? 0);
        var txs = _pool.Reap(Budget.MaxTransactions, Math.Max(0, MaxBlockBytes - fixedBytes));
        var parentTime = ParentTime(height);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var block = new Block
        {
            Header = new BlockHeader
            {
                ChainId = _genesis.ChainId,
                Height = height,
                TimeUnixMs = Math.Max(now, parentTime + 1),
                PreviousHash = ByteString.CopyFrom(ParentHash(height).ToArray()),
                ValidatorSetHash = ByteString.CopyFrom(_validators.For(height).Hash.ToArray()),
                NextValidatorSetHash = ByteString.CopyFrom(_validators.For(height + 1).Hash.ToArray()),
                Proposer = ProposerFor(height),
                TxCount = (uint)txs.Count,
            },
        };
        foreach (var tx in txs)
        {
            block.Transactions.Add(tx.Signed);
        }

        if (lastCommit is not null)
        {
            block.LastCommit = lastCommit;
            block.Header.LastCommitHash = ByteString.CopyFrom(lastCommit.Hash().ToArray());
        }

        block.Evidence.AddRange(selected);

        // The pool's verified transactions carry their ids: the root needs no hashing of the bodies.
        var ids = new Hash32[txs.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = txs[i].Id;
        }

        block.Header.TxRoot = ByteString.CopyFrom(MerkleTree.RootOfHashes(ids).ToArray());
        block.Header.EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot(block.Evidence).ToArray());
        var execution = _engine.ExecuteBlock(Context(block.Header), txs, _db.State.Latest());
        var state = _db.State.Prepare(height, execution.Changes);
        block.Header.StateRoot = ByteString.CopyFrom(state.Root.ToArray());
        block.Header.ReceiptsRoot = ByteString.CopyFrom(BlockHashing.ReceiptsRoot(execution.Receipts).ToArray());
        var prepared = new PreparedBlock(block, block.Header.Hash(), execution, state);
        Remember(prepared);
        Budget.Observe(txs.Count, Stopwatch.GetElapsedTime(started));
        return prepared;
    }

    /// <summary>
    /// Checks a proposed block for the next height by re-executing it; returns null when it
    /// is valid (its prepared result is then cached for the commit), else the reason.
    /// </summary>
    public string? Validate(Block block, Hash32 hash)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (_prepared.ContainsKey(hash))
        {
            return null;
        }

        try
        {
            var problem = CheckHeader(block, live: true);
            if (problem is not null)
            {
                return problem;
            }

            problem = VerifyTransactions(block, out var verified);
            if (problem is not null)
            {
                return problem;
            }

            var started = Stopwatch.GetTimestamp();
            problem = Execute(block, hash, verified!, out _);
            if (problem is null)
            {
                Budget.Observe(block.Transactions.Count, Stopwatch.GetElapsedTime(started));
            }

            return problem;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return "malformed content: " + ex.Message;
        }
    }

    /// <summary>The node's keys, any of which the state may register for its department (after a rotation); the first is the default.</summary>
    public IReadOnlyList<byte[]> ProposerKeys { get; init; }

    // The key the set of the height lists: a rotated validator proposes under its new key from the change's effective height.
    private ByteString ProposerFor(ulong height)
    {
        var set = _validators.For(height);
        foreach (var key in ProposerKeys)
        {
            if (set.Contains(key))
            {
                return ByteString.CopyFrom(key);
            }
        }

        return _proposer;
    }

    private static BlockContext Context(BlockHeader header) => new(header.ChainId, header.Height, header.TimeUnixMs, header.Proposer);

    private void RequireNextHeight(ulong height)
    {
        if (height != _db.Blocks.LastHeight + 1)
        {
            throw new InvalidOperationException($"Height {height} is not the next height; the last committed is {_db.Blocks.LastHeight}.");
        }
    }

    private long ParentTime(ulong height) =>
        height == 1 ? _genesis.Proto.GenesisTimeUnixMs : (_db.Blocks.GetHeader(height - 1)?.TimeUnixMs ?? throw new StorageException($"The header of block {height - 1} is missing."));

    private Hash32 ParentHash(ulong height) => height == 1 ? _genesis.Hash : _db.Blocks.LastBlockHash;

    private void Remember(PreparedBlock prepared)
    {
        if (_prepared.Count >= PreparedCacheBound)
        {
            _prepared.Clear();
        }

        _prepared[prepared.Hash] = prepared;
    }

    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Genesis state of chain {ChainId} written, state root {Root}")]
    private static partial void LogGenesis(ILogger logger, string chainId, string root);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Committed block {Height} {Hash} with {TxCount} transactions")]
    private static partial void LogCommitted(ILogger logger, ulong height, string hash, int txCount);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Rejected block {Height} {Hash}: {Reason}")]
    private static partial void LogRejected(ILogger logger, ulong height, string hash, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Validator set changes at height {Height}: {Count} validators, total power {Power}")]
    private static partial void LogValidatorChange(ILogger logger, ulong height, int count, ulong power);
}

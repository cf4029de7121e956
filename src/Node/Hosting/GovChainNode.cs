using GovChain.Consensus;
using GovChain.Contracts.Engine;
using GovChain.Core.Hashing;
using GovChain.Node.Chain;
using GovChain.Node.Configuration;
using GovChain.Node.Consensus;
using GovChain.Node.Mempool;
using GovChain.Node.Metrics;
using GovChain.Node.Network;
using GovChain.Node.Security;
using GovChain.Protocol;
using GovChain.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovChain.Node.Hosting;

/// <summary>
/// A department's node, composed from its configuration: database, contract engine, mempool,
/// block executor, commit feed, consensus driver, peer network, and the listeners the gRPC edge
/// builds for it (<see cref="GovChainNodeSettings.Server"/>); the node itself knows no transport.
/// </summary>
public sealed partial class GovChainNode : IAsyncDisposable
{
    private readonly GovChainNodeSettings _settings;
    private readonly ILogger _logger;
    private readonly bool _ownsKey;
    private readonly ForwardingPeerHandler _networkHandler = new();
    private INodeServer? _server;
    private int _state; // 0 created, 1 started, 2 stopped
    private int _disposed;

    private GovChainNode(NodeOptions options, GovChainNodeSettings settings, NodeIdentity identity, NodeDatabase database, ILoggerFactory loggers, TimeProvider time)
    {
        Options = options;
        _settings = settings;
        Identity = identity;
        Database = database;
        LoggerFactory = loggers;
        Time = time;
        _ownsKey = settings.ValidatorKey is null;
        _logger = loggers.CreateLogger("GovChain.Node");
        Metrics = new NodeMetrics();
        Engine = new ContractEngine(CertifiedBlockBound.EngineOptions(identity.Genesis));
        MaxCertifiedBlockBytes = CertifiedBlockBound.Bytes(identity.Genesis);
        var feed = new CommitFeed(database.Blocks);
        CommitFeed = feed;
        // A transaction larger than the chain's limit would make every validator refuse the
        // proposal carrying it: the mempool never admits one.
        var chainMaxTxBytes = identity.Genesis.Proto.Consensus is { MaxTxBytes: > 0 } limits
            ? (int)Math.Min(limits.MaxTxBytes, int.MaxValue)
            : BlockExecutor.DefaultMaxTxBytes;
        options.Mempool.MaxTxBytes = Math.Min(options.Mempool.MaxTxBytes, chainMaxTxBytes);

        Mempool = new TransactionPool(options.Mempool, ChainId, NextNonce, Metrics, () => database.Blocks.LastHeight, time);
        Validators = new ValidatorSchedule(database.State, identity.Genesis);
        Executor = new BlockExecutor(
            database, Engine, Mempool, identity.Genesis, Validators, feed, Metrics, time,
            loggers.CreateLogger<BlockExecutor>(), identity.ValidatorKey is { } key ? key.PublicKey : ReadOnlySpan<byte>.Empty)
        {
            ProposerKeys = identity.ValidatorKeys.Select(k => k.PublicKey.ToArray()).ToArray(),
        };
        Executor.InitializeGenesis();
        Metrics.SetHeight(database.Blocks.LastHeight);
        var membership = new Membership(database.State.Height, ContractEngine.Departments(database.State.Latest()));
        identity.RequireRegisteredKey(membership.Departments, membership.Height);
        Network = settings.PeerNetworkFactory(new PeerNetworkContext(options, identity, Metrics, loggers, time, _networkHandler) { Membership = membership })
            ?? throw new InvalidOperationException("The peer network factory returned null.");
        var driverOptions = DriverOptions(options, identity);

        // The proposer executes its block, then each validator does, all inside the propose
        // timeout: each execution gets two fifths of it.
        Executor.Budget.ExecutionBudget = TimeSpan.FromMilliseconds(driverOptions.Protocol.Timeouts.ProposeMs * 2 / 5);
        Mempool.BlockBudget = () => Executor.Budget.MaxTransactions;
        Consensus = new ConsensusDriver(driverOptions, database, Executor, Mempool, Network, identity.ValidatorKey, time, Metrics, loggers.CreateLogger<ConsensusDriver>(), identity.ValidatorKeys);
        Admission = new TransactionAdmission(Mempool, Consensus, Network, Executor.Admissions);
        PeerHandler = new NodePeerHandler(database.Blocks, Admission, Consensus);
        _networkHandler.Target = PeerHandler;
        IReadOnlyList<PinnedCertificate> pins =
        [
            .. identity.Certificate is { } served ? [PinnedCertificate.Of(identity.Department.Id, PinnedCertificate.ServedUse, served)] : Array.Empty<PinnedCertificate>(),
            .. PinnedCertificate.FromGenesis(identity.Genesis),
        ];
        Certificates = new CertificateExpiryWatch(() => pins, Metrics.Meter, time, loggers.CreateLogger("GovChain.Node.Certificates"));
        Status = new NodeStatusSource(this);
    }

    public NodeOptions Options { get; }

    public NodeIdentity Identity { get; }

    public string ChainId => Identity.Genesis.ChainId;

    public string DepartmentId => Identity.Department.Id;

    public NodeDatabase Database { get; }

    public ContractEngine Engine { get; }

    /// <summary>The largest committed block with certificate and receipts this chain can produce (see <see cref="CertifiedBlockBound"/>).</summary>
    public int MaxCertifiedBlockBytes { get; }

    public TransactionPool Mempool { get; }

    /// <summary>The one way transactions enter: client submissions (<see cref="SubmitTransactions"/>) and peers' gossip.</summary>
    public TransactionAdmission Admission { get; }

    public ValidatorSchedule Validators { get; }

    public BlockExecutor Executor { get; }

    public ICommitFeed CommitFeed { get; }

    public INodeStatusSource Status { get; }

    /// <summary>The TLS certificates the node serves and pins, their expiry at /metrics, status and in the log.</summary>
    public CertificateExpiryWatch Certificates { get; }

    public IPeerNetwork Network { get; }

    /// <summary>What the peer network delivers to: handed to <see cref="IPeerNetwork.StartAsync"/> by <see cref="StartAsync"/>.</summary>
    public IPeerHandler PeerHandler { get; }

    public ConsensusDriver Consensus { get; }

    public NodeMetrics Metrics { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider Time { get; }

    /// <summary>The client endpoint's address once started (null without a server).</summary>
    public Uri? Address => _server?.Address;

    /// <summary>The peer listener's address once started (null when peers share the client endpoint).</summary>
    public Uri? PeerAddress => _server?.PeerAddress;

    /// <summary>The plain HTTP/1.1 port for scrapers, when configured.</summary>
    public int? MetricsHttp1Port => _server?.MetricsHttp1Port;

    /// <summary>
    /// Builds a node: loads and checks genesis, key and certificates against the options,
    /// opens (or creates) the database and writes the genesis state into a fresh one. Nothing
    /// runs until <see cref="StartAsync"/>.
    /// </summary>
    public static GovChainNode Create(NodeOptions options, GovChainNodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        NodeOptionsValidator.ThrowIfInvalid(options);
        var loggers = settings.LoggerFactory ?? NullLoggerFactory.Instance;
        var identity = NodeIdentity.Load(options, settings.ValidatorKey);
        NodeDatabase? database = null;
        try
        {
            var storage = new StorageOptions
            {
                SyncWrites = options.Storage.SyncWrites,
                KeepRecentHeights = options.Storage.KeepRecentHeights,
                BlockCacheBytes = options.Storage.BlockCacheBytes,
            };
            database = settings.OpenDatabase is { } open
                ? open(storage)
                : options.Storage.InMemory
                ? NodeDatabase.OpenInMemory(identity.Genesis.ChainId, identity.Genesis.Hash, storage)
                : NodeDatabase.Open(options.DataDirectory, identity.Genesis.ChainId, identity.Genesis.Hash, storage, loggers.CreateLogger<NodeDatabase>());
            if (database.StoredFormatVersion == NodeDatabase.UnboundGenesisFormatVersion)
            {
                throw new StorageException(
                    $"The database in {database.Location} has format version {database.StoredFormatVersion}: its blocks were certified by votes that did not bind " +
                    $"the genesis hash, which this node (format {NodeDatabase.FormatVersion}) no longer accepts. Start the node on an empty data directory.");
            }

            return new GovChainNode(options, settings, identity, database, loggers, settings.Time ?? TimeProvider.System);
        }
        catch
        {
            database?.Dispose();
            if (settings.ValidatorKey is null)
            {
                identity.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Admits transactions (verified once, in parallel) and gossips the admitted ones to the peers.
    /// Throws <see cref="NodeFaultedException"/> once consensus has stopped on a fault.
    /// </summary>
    /// <param name="client">The client address that submitted them, whose share of signature checks they take; null for the node's own callers.</param>
    public AdmissionResult[] SubmitTransactions(IReadOnlyList<SignedTransaction> transactions, System.Net.IPAddress? client = null)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ThrowIfFaulted();
        return Admission.Admit(transactions, fromPeer: false, client);
    }

    private ulong NextNonce(Hash32 sender)
    {
        Span<byte> key = stackalloc byte[Hash32.Size];
        sender.CopyTo(key);
        return ContractEngine.NextNonce(Database.State.Latest(), key);
    }

    private static ConsensusDriverOptions DriverOptions(NodeOptions options, NodeIdentity identity)
    {
        var c = options.Consensus;
        var fromGenesis = identity.Genesis.Proto.Consensus is { } p ? TimeoutOptions.FromParams(p) : new TimeoutOptions();
        var timeouts = fromGenesis with
        {
            ProposeMs = c.ProposeMs > 0 ? c.ProposeMs : fromGenesis.ProposeMs,
            PrevoteMs = c.PrevoteMs > 0 ? c.PrevoteMs : fromGenesis.PrevoteMs,
            PrecommitMs = c.PrecommitMs > 0 ? c.PrecommitMs : fromGenesis.PrecommitMs,
            DeltaMs = c.DeltaMs > 0 ? c.DeltaMs : fromGenesis.DeltaMs,
            RetransmitMs = c.RetransmitMs > 0 ? c.RetransmitMs : fromGenesis.RetransmitMs,
        };
        return new ConsensusDriverOptions(new ConsensusOptions(identity.Genesis.ChainId) { SigningId = identity.Genesis.SigningChainId, Timeouts = timeouts })
        {
            QueueCapacity = c.EventQueueCapacity,
            SyncBatchBlocks = c.SyncBatchBlocks,
            SyncPollInterval = TimeSpan.FromMilliseconds(c.SyncPollMs),
            FreshStartGrace = TimeSpan.FromMilliseconds(c.FreshStartGraceMs),
            EmptyBlockDelay = TimeSpan.FromMilliseconds(c.EmptyBlockDelayMs),
            IdleBlockInterval = TimeSpan.FromMilliseconds(c.IdleBlockIntervalMs),
            PeerSignatureChecksPerSecond = c.PeerSignatureChecksPerSecond,
        };
    }
}

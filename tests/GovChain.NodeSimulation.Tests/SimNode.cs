using GovChain.Consensus;
using GovChain.Contracts.Engine;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Chain;
using GovChain.Node.Consensus;
using GovChain.Node.Mempool;
using GovChain.Node.Metrics;
using GovChain.Node.Network;
using GovChain.Protocol;
using GovChain.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovChain.NodeSimulation.Tests;

/// <summary>
/// One department's node as the host composes it (database, contract engine, mempool, block
/// executor, consensus driver, peer handler), on the simulated network and clock. The driver
/// runs stepped: the simulator pumps its queue on its own thread.
/// </summary>
internal sealed class SimNode : IAsyncDisposable
{
    public static MempoolOptions PoolOptions => new()
    {
        MaxTransactions = 2_000,
        MaxBytes = 4L << 20,
        MaxTxBytes = SimChain.MaxTxBytes,
        MaxPerSender = 200,
        MaxNonceGap = 200,
    };

    private readonly string? _directory;

    /// <summary>What this chain's votes and proposals sign (the chain id bound to its genesis).</summary>
    public string SigningId { get; }

    public SimNode(int index, SimChain chain, SimWire wire, SimClock clock, string? rocksDirectory)
    {
        Index = index;
        Key = chain.ValidatorKeys[index];
        ValidatorKey = new Hash32(Key.PublicKey);
        _directory = rocksDirectory;
        var genesis = chain.Genesis;
        Database = rocksDirectory is null
            ? NodeDatabase.OpenInMemory(genesis.ChainId, genesis.Hash, new StorageOptions { SyncWrites = false })
            : NodeDatabase.Open(rocksDirectory, genesis.ChainId, genesis.Hash, new StorageOptions { SyncWrites = false });
        Metrics = new NodeMetrics();
        var engine = new ContractEngine();
        Pool = new TransactionPool(PoolOptions, genesis.ChainId, NextNonce, Metrics);
        Validators = new ValidatorSchedule(Database.State, genesis);
        Executor = new BlockExecutor(
            Database, engine, Pool, genesis, Validators, new CommitFeed(Database.Blocks), Metrics, clock,
            NullLogger<BlockExecutor>.Instance, Key.PublicKey);
        Executor.InitializeGenesis();
        Network = new SimPeerNetwork(wire, index);
        SigningId = genesis.SigningChainId;
        DriverOptions = new ConsensusDriverOptions(new ConsensusOptions(genesis.ChainId)
        {
            SigningId = genesis.SigningChainId,
            Timeouts = new TimeoutOptions { ProposeMs = 1000, PrevoteMs = 300, PrecommitMs = 300, DeltaMs = 100, RetransmitMs = 250 },
        })
        {
            QueueCapacity = 1024,
            SyncBatchBlocks = 20,
            SyncPollInterval = TimeSpan.FromMilliseconds(250),
            EmptyBlockDelay = TimeSpan.FromMilliseconds(300),
            MaxPendingEvidence = 64,
        };
        Driver = new ConsensusDriver(DriverOptions, Database, Executor, Pool, Network, Key, clock, Metrics, NullLogger<ConsensusDriver>.Instance);
        Admission = new TransactionAdmission(Pool, Driver, Network, Executor.Admissions);
        Handler = new NodePeerHandler(Database.Blocks, Admission, Driver);
    }

    public int Index { get; }

    public KeyPair Key { get; }

    public Hash32 ValidatorKey { get; }

    public NodeDatabase Database { get; }

    public NodeMetrics Metrics { get; }

    public TransactionPool Pool { get; }

    public ValidatorSchedule Validators { get; }

    public BlockExecutor Executor { get; }

    public ConsensusDriverOptions DriverOptions { get; }

    public ConsensusDriver Driver { get; }

    public NodePeerHandler Handler { get; }

    public SimPeerNetwork Network { get; }

    public ulong Height => Database.Blocks.LastHeight;

    /// <summary>Set when the simulator has a block-sync answer on its way to this node.</summary>
    public bool SyncScheduled { get; set; }

    public void Start()
    {
        Network.StartAsync(Handler, CancellationToken.None).GetAwaiter().GetResult();
        Driver.StartStepped();
    }

    /// <summary>The node's one admission point, which its peer handler uses for gossip too.</summary>
    public TransactionAdmission Admission { get; }

    /// <summary>A client's submission, as the node's client API does it: admit, wake the proposer, gossip.</summary>
    public AdmissionResult[] Submit(IReadOnlyList<SignedTransaction> transactions) => Admission.Admit(transactions, fromPeer: false);

    public async ValueTask DisposeAsync()
    {
        await Driver.DisposeAsync().ConfigureAwait(false);
        await Network.DisposeAsync().ConfigureAwait(false);
        Metrics.Dispose();
        Database.Dispose();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temporary directory.
            }
        }
    }

    private ulong NextNonce(Hash32 sender)
    {
        Span<byte> key = stackalloc byte[Hash32.Size];
        sender.CopyTo(key);
        return ContractEngine.NextNonce(Database.State.Latest(), key);
    }
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using GovChain.Consensus;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Chain;
using GovChain.Node.Mempool;
using GovChain.Node.Metrics;
using GovChain.Node.Network;
using GovChain.Protocol;
using GovChain.Storage;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Consensus;

/// <summary>
/// Runs the consensus state machine: one loop reads a bounded queue of events (peer
/// messages, timers, answers of the block executor, block-sync batches), feeds them to the
/// machine and performs the actions it returns in order — WAL records synced before any later
/// send, timers on the injected <see cref="TimeProvider"/>, sends through the peer network,
/// proposals, validation and commits through the <see cref="BlockExecutor"/>.
/// </summary>
public sealed partial class ConsensusDriver : IAsyncDisposable
{
    private readonly ConsensusDriverOptions _options;
    private readonly NodeDatabase _db;
    private readonly BlockExecutor _executor;
    private readonly TransactionPool _pool;
    private readonly IPeerNetwork _network;
    private readonly KeyPair? _key;
    private readonly IReadOnlyList<KeyPair> _keys;
    private KeyPair? _signingKey;
    private readonly TimeProvider _time;
    private readonly NodeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<ConsensusEvent> _queue;
    private readonly Queue<ConsensusEvent> _followUps = new();
    private readonly Dictionary<TimeoutKind, ITimer> _timers = [];
    private readonly EvidencePool _evidence;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationToken _stopToken;
    private ConsensusMachine? _machine;
    private ITimer? _emptyBlockTimer;
    private ITimer? _pollTimer;
    private Task? _loop;
    private bool _following;
    private int _syncing;
    private ulong _heightAtLastPoll;
    private long _committedHeight;
    private long _round;
    private int _disposed;
    private static readonly DropReason[] DropReasons = Enum.GetValues<DropReason>();
    private static readonly string[] DropReasonNames = DropReasons.Select(r => "consensus_" + r.ToString().ToLowerInvariant()).ToArray();
    private readonly long[] _dropsSeen = new long[DropReasons.Length];
    private ConsensusMachine? _dropsOf;
    private readonly Lock _proposalGate = new();
    private ProposeNow? _waitingForTransactions;
    private (ulong Height, uint Round) _proposedAt;

    public ConsensusDriver(
        ConsensusDriverOptions options,
        NodeDatabase database,
        BlockExecutor executor,
        TransactionPool pool,
        IPeerNetwork network,
        KeyPair? validatorKey,
        TimeProvider time,
        NodeMetrics metrics,
        ILogger logger,
        IReadOnlyList<KeyPair>? validatorKeys = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _db = database;
        _executor = executor;
        _pool = pool;
        _network = network;
        _keys = validatorKeys is { Count: > 0 } ? validatorKeys : validatorKey is null ? [] : [validatorKey];
        _key = _keys.Count > 0 ? _keys[0] : null;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateBounded<ConsensusEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _evidence = new EvidencePool(options.MaxPendingEvidence);
        _inbox = new PeerInbox(options.PeerQueueCapacity, options.MaxTrackedPeers);
        _verified = new VerifiedSignatures(options.VerifiedSignatureCapacity);
        _claims = new PeerHeightClaims(options.MaxTrackedPeers, options.MaxFruitlessSyncAttempts, options.ClaimSuspension, time);
        _committedHeight = (long)database.Blocks.LastHeight;
        _stopToken = _stop.Token;
    }

    /// <summary>The last committed height.</summary>
    public ulong Height => (ulong)Interlocked.Read(ref _committedHeight);

    /// <summary>The round the machine is in.</summary>
    public uint Round => (uint)Interlocked.Read(ref _round);

    /// <summary>True while block sync runs, or while the node follows without signing until it has caught up.</summary>
    public bool CatchingUp => Volatile.Read(ref _syncing) == 1 || Volatile.Read(ref _following);

    /// <summary>True when this node signs votes (it holds a key of the current validator set and is not catching up after lost state).</summary>
    public bool IsSigning => _machine is { IsValidator: true } && !Volatile.Read(ref _following);

    /// <summary>The loop stopped on an error it cannot recover from (the node must be restarted).</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Completes when the loop ends.</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    /// <summary>Evidence waiting for a block (a snapshot).</summary>
    public IReadOnlyList<Evidence> PendingEvidence => _evidence.Pending;

    /// <summary>
    /// Starts the loop. A node with a fresh database first listens for its peers' heights: if
    /// peers with more than the faulty power are past genesis, it lost its state (or is new)
    /// and follows without signing until it has caught up and seen a height decided live.
    /// </summary>
    public async Task StartAsync(bool freshDatabase, CancellationToken cancellationToken)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The consensus driver is already started.");
        }

        _following = _key is null;
        if (_key is not null && freshDatabase)
        {
            _following = await PeersArePastGenesisAsync(cancellationToken).ConfigureAwait(false);
            if (_following)
            {
                LogFollowing(_logger, MaxPeerHeight());
            }
        }

        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        _pollTimer = _time.CreateTimer(static s => ((ConsensusDriver)s!).Post(new SyncPoll()), this, _options.SyncPollInterval, _options.SyncPollInterval);
    }

    /// <summary>Stops the loop after the event in hand (a commit in progress finishes its write).</summary>
    public async Task StopAsync()
    {
        if (Volatile.Read(ref _disposed) != 0 && _stop.IsCancellationRequested)
        {
            return;
        }

        _pollTimer?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        DisposeTimers();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>
    /// Whether this fresh node must follow rather than start the chain. A height claim proves
    /// nothing, and one Byzantine peer claiming a far height must not make every fresh honest
    /// node wait to sync from it while nobody signs (the chain would never leave genesis):
    /// the node follows only when peers with more than the faulty power (at least one honest
    /// validator) claim to be past genesis.
    /// </summary>
    private async Task<bool> PeersArePastGenesisAsync(CancellationToken cancellationToken)
    {
        var validators = _executor.Validators.For(1);
        var others = validators.Count - 1;
        if (others <= 0)
        {
            return false;
        }

        var deadline = _time.GetUtcNow() + _options.FreshStartGrace;
        while (true)
        {
            var (power, highest) = _claims.PowerAbove(0, validators);
            if (power > validators.MaxFaultyPower)
            {
                return true;
            }

            var connected = _network.Peers.Count(p => p.Connected);
            if (connected >= others || _time.GetUtcNow() >= deadline)
            {
                if (power > 0)
                {
                    LogClaimsTooWeak(_logger, highest, power, validators.TotalPower);
                }

                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            StartMachine();
            if (MaxPeerHeight() > Height)
            {
                StartSync();
            }

            await foreach (var e in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Dispatch(e);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the event in hand was finished.
        }
        catch (Exception ex)
        {
            Fault = ex;
            LogFault(_logger, ex);
        }
    }

    private void StartMachine()
    {
        var height = Height + 1;
        var lastCommit = height > 1 ? _db.Blocks.GetCertificate(height - 1) : null;
        // The machine drops proposals over the chain's block bound before checking their signature.
        var protocol = _options.Protocol with { MaxBlockBytes = _executor.MaxBlockBytes };
        var validators = _executor.Validators.For(height);
        var key = _following ? null : KeyOf(validators);
        _signingKey = key;
        var signer = key is null ? null : new Ed25519ConsensusSigner(key);
        SetInputValidators(validators);
        _machine = new ConsensusMachine(protocol, height, validators, signer, _verified, lastCommit);
        if (signer is not null)
        {
            var used = _machine.Restore(ReadWal());
            if (used > 0)
            {
                LogWalRestored(_logger, height, used);
            }
        }

        LogMachineStarted(_logger, height, signer is not null);
        Perform(_machine.Start());
        DrainFollowUps();
    }

    // After a rotation the state registers another of the department's keys: sign with the one the height's set lists.
    private KeyPair? KeyOf(GovChain.Core.Validators.WeightedValidatorSet validators)
    {
        foreach (var key in _keys)
        {
            if (validators.Contains(key.PublicKey))
            {
                return key;
            }
        }

        return _key;
    }

    /// <summary>True when the set of the next height lists another of this node's keys than the machine signs with (a rotation took effect).</summary>
    private bool SignerChanges(GovChain.Core.Validators.WeightedValidatorSet next) =>
        !_following && _keys.Count > 1 && !ReferenceEquals(KeyOf(next), _signingKey);

    private void Dispatch(ConsensusEvent e)
    {
        switch (e)
        {
            case InboxReady:
                TakeInbox();
                break;
            case SyncBatchFetched batch:
                batch.Applied.TrySetResult(ApplySyncBatch(batch.Blocks));
                break;
            case SyncEnded ended:
                OnSyncEnded(ended.Progressed);
                break;
            case ProposeNow p:
                Propose(p.Height, p.Round);
                DrainFollowUps();
                break;
            case TimeoutFired fired when HoldWhileIdle(fired):
                break;
            case IdleTimeoutReleased released:
                FeedReleased(released);
                break;
            case SyncPoll:
                Poll();
                break;
            default:
                Feed(e);
                break;
        }
    }

    /// <summary>Feeds one event, then the answers it produced (proposals, validations, commits), until none is left.</summary>
    private void Feed(ConsensusEvent e)
    {
        _followUps.Enqueue(e);
        DrainFollowUps();
    }

    private void DrainFollowUps()
    {
        while (_followUps.TryDequeue(out var next))
        {
            Perform(_machine!.Handle(next));
        }

        ExportDrops(_machine!);

        Interlocked.Exchange(ref _round, _machine!.Round);
        _metrics.SetRound(_machine.Round);
    }

    /// <summary>Adds the machine's new drops to the node's rejected-messages counter (exact duplicates are normal under retransmission and left out).</summary>
    private void ExportDrops(ConsensusMachine machine)
    {
        if (!ReferenceEquals(machine, _dropsOf))
        {
            _dropsOf = machine;
            Array.Clear(_dropsSeen);
        }

        for (var i = 0; i < DropReasons.Length; i++)
        {
            var reason = DropReasons[i];
            if (reason == DropReason.Duplicate)
            {
                continue;
            }

            var count = machine.Drops[reason];
            if (count > _dropsSeen[i])
            {
                _metrics.MessagesRejected.Add(count - _dropsSeen[i], new KeyValuePair<string, object?>("reason", DropReasonNames[i]));
                _dropsSeen[i] = count;
            }
        }
    }

    private void Poll()
    {
        var height = Height;
        if (Volatile.Read(ref _syncWanted) || (height == _heightAtLastPoll && MaxPeerHeight() > height))
        {
            StartSync();
        }

        _heightAtLastPoll = height;
        _metrics.SetPeersConnected(_network.Peers.Count(p => p.Connected));
    }

    private void Post(ConsensusEvent e)
    {
        // Timers and internal answers must not be lost: wait for room rather than drop.
        if (!_stopToken.IsCancellationRequested && !_queue.Writer.TryWrite(e))
        {
            _ = _queue.Writer.WriteAsync(e, _stopToken).AsTask().ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private void DisposeTimers()
    {
        foreach (var timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
        _emptyBlockTimer?.Dispose();
        DisposeIdleTimer();
    }
}

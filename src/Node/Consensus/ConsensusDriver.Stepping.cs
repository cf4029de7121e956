using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.Node.Consensus;

/// <summary>
/// Running the driver step by step on the caller's thread, for a deterministic simulator: no
/// loop task and no block-sync task. The caller injects a manual <see cref="TimeProvider"/>
/// whose timers fire on its thread, runs one queued event at a time with <see cref="Step"/>,
/// and runs block sync one batch at a time with <see cref="StepSync"/> over a peer network
/// whose <see cref="Network.IPeerNetwork.FetchBlocksAsync"/> completes synchronously. The
/// events, the machine and every action are those of the loop; only who pumps them differs.
/// </summary>
public sealed partial class ConsensusDriver
{
    private bool _stepped;
    private bool _syncRequested;
    private int _steppedRejections;
    private bool _steppedSyncProgress;

    /// <summary>Events waiting in the queue (bounded by <see cref="ConsensusDriverOptions.QueueCapacity"/>).</summary>
    public int QueuedEvents => _queue.Reader.Count;

    /// <summary>Stepped mode: block sync was asked for and waits for <see cref="StepSync"/>.</summary>
    public bool SyncRequested => _syncRequested;

    /// <summary>
    /// Starts the machine without a loop: the caller pumps it. There is no fresh-start grace
    /// (the caller starts every node of a new chain together), so a validator signs from the start.
    /// </summary>
    public void StartStepped()
    {
        if (_loop is not null || _stepped)
        {
            throw new InvalidOperationException("The consensus driver is already started.");
        }

        _stepped = true;
        _following = _key is null;
        Guarded(() =>
        {
            StartMachine();
            if (MaxPeerHeight() > Height)
            {
                StartSync();
            }
        });
        _pollTimer = _time.CreateTimer(static s => ((ConsensusDriver)s!).Post(new SyncPoll()), this, _options.SyncPollInterval, _options.SyncPollInterval);
    }

    /// <summary>Runs one queued event as the loop would; false when none is queued or the driver has faulted.</summary>
    public bool Step()
    {
        RequireStepped();
        if (Fault is not null || !_queue.Reader.TryRead(out var e))
        {
            return false;
        }

        Guarded(() => Dispatch(e));
        return true;
    }

    /// <summary>
    /// Fetches and applies one block-sync batch, as the sync task and the loop would; false when
    /// no sync was asked for. Sync goes on (<see cref="SyncRequested"/> stays true) while batches apply.
    /// </summary>
    public bool StepSync()
    {
        RequireStepped();
        if (!_syncRequested || Fault is not null)
        {
            return false;
        }

        _syncRequested = false;
        List<FetchedBlock> blocks;
        try
        {
            blocks = FetchNow(Height + 1, Height + (ulong)_options.SyncBatchBlocks);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not InvalidOperationException)
        {
            LogSyncFailed(_logger, Height + 1, ex.Message);
            blocks = [];
        }

        Guarded(() =>
        {
            var applied = 0;
            var rejected = false;
            if (blocks.Count > 0)
            {
                var answer = new TaskCompletionSource<SyncBatchResult>();
                Dispatch(new SyncBatchFetched(blocks, answer));
                applied = answer.Task.Result.Applied;
                rejected = answer.Task.Result.Rejected;
            }

            // A rejected batch's server is reported: the next fetch goes to another peer, a bounded number of times.
            if (applied > 0 || (rejected && ++_steppedRejections <= _network.Peers.Count))
            {
                _steppedSyncProgress |= applied > 0;
                _syncRequested = true;
            }
            else
            {
                var progressed = _steppedSyncProgress;
                _steppedRejections = 0;
                _steppedSyncProgress = false;
                Dispatch(new SyncEnded(progressed));
            }
        });
        return true;
    }

    private List<FetchedBlock> FetchNow(ulong from, ulong to)
    {
        var blocks = new List<FetchedBlock>(_options.SyncBatchBlocks);
        var enumerator = _network.FetchBlocksAsync(from, to, _stopToken).GetAsyncEnumerator(_stopToken);
        try
        {
            while (blocks.Count < _options.SyncBatchBlocks)
            {
                var next = enumerator.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    throw new InvalidOperationException("Stepped block sync needs a peer network whose fetch completes synchronously.");
                }

                if (!next.Result)
                {
                    break;
                }

                blocks.Add(enumerator.Current);
            }
        }
        finally
        {
            var disposed = enumerator.DisposeAsync();
            if (!disposed.IsCompleted)
            {
                disposed.AsTask().GetAwaiter().GetResult();
            }
        }

        return blocks;
    }

    private void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            Fault = ex;
            LogFault(_logger, ex);
        }
    }

    private void RequireStepped()
    {
        if (!_stepped)
        {
            throw new InvalidOperationException("The consensus driver runs its own loop; start it with StartStepped to step it.");
        }
    }
}

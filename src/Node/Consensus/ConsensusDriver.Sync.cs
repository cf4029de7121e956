using GovChain.Consensus;
using GovChain.Core.Hashing;
using GovChain.Node.Network;
using GovChain.Protocol;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Consensus;

/// <summary>
/// Block sync: a background task fetches missing blocks from peers in bounded batches; the
/// consensus loop checks and applies each batch (certificate against the validator set of
/// its height, parent link, re-execution) and then tells the machine with CommitApplied.
/// A block that does not verify gets the peer that served it reported (the network bans it)
/// and is fetched again from another. Passes that bring nothing wait longer and longer before
/// the next (so do their log lines), and strike the claims that asked for them.
/// </summary>
public sealed partial class ConsensusDriver
{
    private readonly PeerHeightClaims _claims;
    private long _syncNotBefore;
    private int _fruitlessSyncs;
    private bool _syncWanted;

    /// <summary>A peer reported its committed height; far enough ahead (and still believed), block sync starts.</summary>
    public void OnPeerHeight(Hash32 validator, ulong height)
    {
        if (_claims.Report(validator, height) && height > Height + 1)
        {
            StartSync();
        }
    }

    private ulong MaxPeerHeight() => _claims.Highest();

    private void StartSync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        if (_time.GetTimestamp() < Interlocked.Read(ref _syncNotBefore))
        {
            // Too soon after a pass that brought nothing: the poll starts it when the wait is over.
            Volatile.Write(ref _syncWanted, true);
            return;
        }

        if (Interlocked.CompareExchange(ref _syncing, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _syncWanted, false);

        if (_stepped)
        {
            _syncRequested = true;
            return;
        }

        _ = Task.Run(() => SyncAsync(_stop.Token), CancellationToken.None);
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        var started = Height;
        var rejected = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var from = Height + 1;
                var to = from + (ulong)_options.SyncBatchBlocks - 1;
                var blocks = new List<FetchedBlock>(_options.SyncBatchBlocks);
                await foreach (var block in _network.FetchBlocksAsync(from, to, cancellationToken).ConfigureAwait(false))
                {
                    blocks.Add(block);
                    if (blocks.Count >= _options.SyncBatchBlocks)
                    {
                        break;
                    }
                }

                if (blocks.Count == 0)
                {
                    break;
                }

                var outcome = new TaskCompletionSource<SyncBatchResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                await _queue.Writer.WriteAsync(new SyncBatchFetched(blocks, outcome), cancellationToken).ConfigureAwait(false);
                var result = await outcome.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (result.Rejected)
                {
                    // Its server is reported and banned: the next fetch goes to another peer, a bounded number of times.
                    if (++rejected > _network.Peers.Count)
                    {
                        break;
                    }

                    continue;
                }

                if (result.Applied == 0)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // No peer could serve (all down, or all refused): the next Behind or poll retries.
            LogSyncFailed(_logger, Height + 1, ex.Message);
        }

        if (Height > started)
        {
            LogSynced(_logger, started, Height);
        }

        Post(new SyncEnded(Height > started));
    }

    /// <summary>On the loop: a pass ended; one that brought nothing makes the next wait (doubling) and strikes the claims behind it.</summary>
    private void OnSyncEnded(bool progressed)
    {
        Volatile.Write(ref _syncing, 0);
        if (progressed)
        {
            _fruitlessSyncs = 0;
            Interlocked.Exchange(ref _syncNotBefore, 0);
        }
        else
        {
            _fruitlessSyncs = Math.Min(_fruitlessSyncs + 1, 30);
            var delay = TimeSpan.FromTicks(Math.Min(_options.MaxSyncRetryDelay.Ticks, _options.SyncPollInterval.Ticks << Math.Min(_fruitlessSyncs - 1, 20)));
            Interlocked.Exchange(ref _syncNotBefore, _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency));
            foreach (var (peer, claimed) in _claims.Fruitless(Height))
            {
                LogClaimSuspended(_logger, peer.ToShortString(), claimed, _claims.MaxStrikes, (long)_options.ClaimSuspension.TotalMilliseconds);
            }
        }

        if (MaxPeerHeight() > Height + 1)
        {
            // Peers moved on while the last batch was applied: keep going (after the wait, if any).
            StartSync();
        }
    }

    /// <summary>On the loop: applies fetched blocks in height order until one fails; a failing block's server is reported.</summary>
    private SyncBatchResult ApplySyncBatch(IReadOnlyList<FetchedBlock> blocks)
    {
        var applied = 0;
        var rejected = false;
        CommitCertificate? last = null;
        foreach (var fetched in blocks.OrderBy(b => b.Block.Block?.Header?.Height ?? 0))
        {
            var certified = fetched.Block;
            var height = certified.Block?.Header?.Height ?? 0;
            if (height <= Height)
            {
                continue;
            }

            if (height != Height + 1)
            {
                break;
            }

            var problem = _executor.ApplySynced(certified, out _);
            if (problem is not null)
            {
                LogSyncRejected(_logger, height, problem);
                _metrics.MessagesRejected.Add(1, new KeyValuePair<string, object?>("reason", "invalid_synced_block"));
                Report(fetched.Source, $"block sync: served block {height} that does not verify: {problem}");
                rejected = true;
                break;
            }

            _claims.Served(fetched.Source);
            Interlocked.Exchange(ref _committedHeight, (long)height);
            ForgetCommittedEvidence(certified.Block!);
            last = certified.Certificate;
            applied++;
        }

        if (applied > 0)
        {
            var height = Height;
            _db.ConsensusWal.TruncateBelow(height + 1);
            FollowMembership();
            var next = _executor.Validators.For(height + 1);
            SetInputValidators(next);
            if (SignerChanges(next))
            {
                LogSignerRotated(_logger, height + 1);
                StartMachine();
            }
            else
            {
                Feed(new CommitApplied(height, next, last));
            }
        }

        return new SyncBatchResult(applied, rejected && applied == 0);
    }
}

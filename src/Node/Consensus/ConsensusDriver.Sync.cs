using GovChain.Consensus;
using GovChain.Protocol;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Consensus;

/// <summary>
/// Block sync: a background task fetches missing blocks from peers in bounded batches; the
/// consensus loop checks and applies each batch (certificate against the validator set of
/// its height, parent link, re-execution) and then tells the machine with CommitApplied.
/// </summary>
public sealed partial class ConsensusDriver
{
    private void StartSync()
    {
        if (Interlocked.CompareExchange(ref _syncing, 1, 0) != 0 || _stop.IsCancellationRequested)
        {
            return;
        }

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
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var from = Height + 1;
                var to = from + (ulong)_options.SyncBatchBlocks - 1;
                var blocks = new List<CertifiedBlock>(_options.SyncBatchBlocks);
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

                var applied = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                await _queue.Writer.WriteAsync(new SyncBatchFetched(blocks, applied), cancellationToken).ConfigureAwait(false);
                if (await applied.Task.WaitAsync(cancellationToken).ConfigureAwait(false) == 0)
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

        Post(new SyncEnded());
    }

    /// <summary>On the loop: applies fetched blocks in height order until one fails; returns how many were applied.</summary>
    private int ApplySyncBatch(IReadOnlyList<CertifiedBlock> blocks)
    {
        var applied = 0;
        CommitCertificate? last = null;
        foreach (var certified in blocks.OrderBy(b => b.Block?.Header?.Height ?? 0))
        {
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
                break;
            }

            Interlocked.Exchange(ref _committedHeight, (long)height);
            ForgetCommittedEvidence(certified.Block!);
            last = certified.Certificate;
            applied++;
        }

        if (applied > 0)
        {
            var height = Height;
            _db.ConsensusWal.TruncateBelow(height + 1);
            Feed(new CommitApplied(height, _executor.Validators.For(height + 1), last));
        }

        return applied;
    }
}

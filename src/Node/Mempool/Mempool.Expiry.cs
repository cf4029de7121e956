using GovChain.Core.Hashing;

namespace GovChain.Node.Mempool;

/// <summary>
/// What leaves the pool without committing, and how its sender learns of it: gapped
/// transactions expire by height (never by clock, so every honest node drops the same ones
/// at the same height), are displaced first when the pool is full, and each drop is
/// remembered (bounded) with its reason.
/// </summary>
public sealed partial class TransactionPool
{
    private readonly Dictionary<Hash32, string> _dropped = [];
    private readonly Queue<Hash32> _droppedOrder = new();
    private ulong _commitsSeen;
    private long _lastCommitTimestamp;
    private long _commitIntervalMs;

    /// <summary>Why a transaction this pool admitted was dropped without committing, if it was (and is still remembered).</summary>
    public bool TryGetDropped(in Hash32 id, out string reason)
    {
        lock (_gate)
        {
            if (_dropped.TryGetValue(id, out var r))
            {
                reason = r;
                return true;
            }
        }

        reason = string.Empty;
        return false;
    }

    private ulong Height => _committedHeight?.Invoke() ?? _commitsSeen;

    // Called under _gate.
    private void ExpireGapped()
    {
        var height = Height;
        while (_gappedOrder.First is { } first && first.Value.GappedSince + (ulong)_options.GappedTtlBlocks <= height)
        {
            var e = first.Value;
            if (_bySender.TryGetValue(e.Sender, out var queue))
            {
                var next = _committedNextNonce(e.Sender);
                if (queue.Base != next)
                {
                    // Its missing nonce may have committed from another node's pool: look again before dropping.
                    Reclassify(queue, next);
                    continue;
                }
            }

            Drop(e, $"dropped after waiting {_options.GappedTtlBlocks} blocks for nonce {queue?.NextGap} of its sender");
        }
    }

    // Called under _gate.
    private void Drop(Entry e, string reason)
    {
        RemoveEntry(e);
        RememberDropped(e.Id, reason);
        _metrics?.MempoolRejected.Add(1, new KeyValuePair<string, object?>("reason", "Dropped"));
    }

    // Called under _gate.
    private void RememberDropped(Hash32 id, string reason)
    {
        if (_options.RememberDropped == 0)
        {
            return;
        }

        while (_droppedOrder.Count >= _options.RememberDropped && _droppedOrder.TryDequeue(out var old))
        {
            _dropped.Remove(old);
        }

        if (_dropped.TryAdd(id, reason))
        {
            _droppedOrder.Enqueue(id);
        }
    }

    // Called under _gate.
    private void NoteCommit()
    {
        _commitsSeen++;
        var now = _time.GetTimestamp();
        if (_lastCommitTimestamp != 0)
        {
            var ms = (long)_time.GetElapsedTime(_lastCommitTimestamp, now).TotalMilliseconds;
            _commitIntervalMs = _commitIntervalMs == 0 ? ms : _commitIntervalMs + ((ms - _commitIntervalMs) / 4);
        }

        _lastCommitTimestamp = now;
    }

    /// <summary>About how long <paramref name="blocks"/> commits take here, as a client's retry hint.</summary>
    // Called under _gate.
    private int RetryAfterMs(int blocks)
    {
        var perBlock = _commitIntervalMs > 0 ? _commitIntervalMs : 1000;
        return (int)Math.Clamp(perBlock * blocks, 50, 30_000);
    }
}

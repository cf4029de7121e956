using System.Runtime.CompilerServices;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage.Blocks;

namespace GovChain.Node.Chain;

/// <summary>
/// The <see cref="ICommitFeed"/> of a node. It keeps only the last few blocks in memory (bounded
/// by count and by bytes, as a block with receipts may be large); a
/// subscriber reads everything else from the block store, so a slow or far-behind
/// subscriber costs no memory. Waiters for transactions are bounded too.
/// </summary>
public sealed class CommitFeed : ICommitFeed
{
    /// <summary>Bytes of the blocks held in memory now (encoded size).</summary>
    public long RecentBytes
    {
        get
        {
            lock (_gate)
            {
                return _recentBytes;
            }
        }
    }

    /// <summary>Most transactions waited for at once; beyond it a wait is refused.</summary>
    public const int MaxWaiters = 100_000;

    /// <summary>Bytes of recent blocks kept in memory by default; older ones are read from the store.</summary>
    public const long DefaultMaxRecentBytes = 64L * 1024 * 1024;

    private const int RecentBound = 64;

    private readonly IBlockStore _store;
    private readonly long _maxRecentBytes;
    private readonly Queue<int> _recentSizes = new();
    private long _recentBytes;
    private readonly Lock _gate = new();
    private readonly Dictionary<Hash32, TaskCompletionSource> _waiters = [];
    private readonly Queue<CertifiedBlock> _recent = new();
    private TaskCompletionSource _next = NewSignal();
    private ulong _height;

    /// <param name="maxRecentBytes">Bound of the recent blocks kept in memory, in encoded bytes; the latest block is kept whatever its size.</param>
    public CommitFeed(IBlockStore store, long maxRecentBytes = DefaultMaxRecentBytes)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecentBytes);
        _store = store;
        _maxRecentBytes = maxRecentBytes;
        _height = store.LastHeight;
    }

    public ulong Height => Volatile.Read(ref _height);

    public void Publish(CertifiedBlock committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        TaskCompletionSource signal;
        List<TaskCompletionSource> done = [];
        var size = committed.CalculateSize();
        lock (_gate)
        {
            _recent.Enqueue(committed);
            _recentSizes.Enqueue(size);
            _recentBytes += size;
            while (_recent.Count > RecentBound || (_recent.Count > 1 && _recentBytes > _maxRecentBytes))
            {
                _recent.Dequeue();
                _recentBytes -= _recentSizes.Dequeue();
            }

            Volatile.Write(ref _height, committed.Block.Header.Height);
            if (_waiters.Count > 0)
            {
                foreach (var tx in committed.Block.Transactions)
                {
                    if (_waiters.Remove(tx.Id(), out var waiter))
                    {
                        done.Add(waiter);
                    }
                }
            }

            signal = _next;
            _next = NewSignal();
        }

        foreach (var waiter in done)
        {
            waiter.TrySetResult();
        }

        signal.TrySetResult();
    }

    public async Task WaitForTransactionAsync(Hash32 txId, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (!_waiters.TryGetValue(txId, out waiter!))
            {
                if (_waiters.Count >= MaxWaiters)
                {
                    throw new InvalidOperationException($"{MaxWaiters} transactions are already waited for; retry later.");
                }

                waiter = NewSignal();
                _waiters.Add(txId, waiter);
            }
        }

        // Checked after registering, so a commit between the check and the registration is not missed.
        if (_store.GetTransaction(txId) is not null)
        {
            Complete(txId, waiter);
            return;
        }

        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (_waiters.TryGetValue(txId, out var current) && current == waiter && !waiter.Task.IsCompleted)
                {
                    _waiters.Remove(txId);
                }
            }

            throw;
        }
    }

    public async IAsyncEnumerable<CertifiedBlock> SubscribeAsync(ulong fromHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = Math.Max(fromHeight, 1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task signal;
            lock (_gate)
            {
                signal = _next.Task;
            }

            while (next <= Height)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var block = Read(next) ?? throw new InvalidOperationException($"Committed block {next} cannot be read.");
                yield return block;
                next++;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private CertifiedBlock? Read(ulong height)
    {
        lock (_gate)
        {
            foreach (var recent in _recent)
            {
                if (recent.Block.Header.Height == height)
                {
                    return recent;
                }
            }
        }

        var stored = _store.GetBlock(height);
        if (stored is null)
        {
            return null;
        }

        var certified = new CertifiedBlock { Block = stored.Block, Certificate = stored.Certificate };
        certified.Receipts.AddRange(_store.GetReceipts(height) ?? []);
        return certified;
    }

    private void Complete(Hash32 txId, TaskCompletionSource waiter)
    {
        lock (_gate)
        {
            if (_waiters.TryGetValue(txId, out var current) && current == waiter)
            {
                _waiters.Remove(txId);
            }
        }

        waiter.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

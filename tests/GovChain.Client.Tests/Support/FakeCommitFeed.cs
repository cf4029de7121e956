using System.Runtime.CompilerServices;
using GovChain.Core.Hashing;
using GovChain.Node.Chain;
using GovChain.Protocol;

namespace GovChain.Client.Tests.Support;

/// <summary>An in-memory commit feed: the test's block producer publishes, the service waits and streams.</summary>
public sealed class FakeCommitFeed : ICommitFeed
{
    private readonly Lock _gate = new();
    private readonly List<CertifiedBlock> _blocks = [];
    private readonly HashSet<Hash32> _committed = [];
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ulong Height
    {
        get
        {
            lock (_gate)
            {
                return (ulong)_blocks.Count;
            }
        }
    }

    public void Publish(CertifiedBlock committed)
    {
        TaskCompletionSource published;
        lock (_gate)
        {
            if (committed.Block.Header.Height != (ulong)_blocks.Count + 1)
            {
                throw new InvalidOperationException($"block {committed.Block.Header.Height} published after {_blocks.Count}");
            }

            _blocks.Add(committed);
            foreach (var r in committed.Receipts)
            {
                _committed.Add(new Hash32(r.TxId.Span));
            }

            published = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        published.SetResult();
    }

    public async Task WaitForTransactionAsync(Hash32 txId, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_committed.Contains(txId))
                {
                    return;
                }

                signal = _next.Task;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }

    public async IAsyncEnumerable<CertifiedBlock> SubscribeAsync(ulong fromHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = Math.Max(1, fromHeight);
        while (true)
        {
            CertifiedBlock? block = null;
            Task signal;
            lock (_gate)
            {
                if (next <= (ulong)_blocks.Count)
                {
                    block = _blocks[(int)next - 1];
                }

                signal = _next.Task;
            }

            if (block is not null)
            {
                yield return block;
                next++;
                continue;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }
}

using System.Collections.Frozen;
using System.Diagnostics;
using GovChain.Client;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using Grpc.Core;

namespace GovChain.LoadGen;

/// <summary>
/// Follows committed blocks through one node's block stream and stamps each known transaction
/// with the moment its block reached the load generator, and its receipt code.
/// </summary>
internal sealed class CommitTracker
{
    private readonly FrozenDictionary<Hash32, int> _index;
    private readonly long[] _commitTicks;
    private readonly uint[] _codes;
    private readonly string?[] _messages;
    private long _committed;
    private long _errors;
    private long _blocks;
    private long _blockTxs;
    private long _extraRounds;

    public CommitTracker(FrozenDictionary<Hash32, int> index, int count)
    {
        _index = index;
        _commitTicks = new long[count];
        _codes = new uint[count];
        _messages = new string?[count];
    }

    public long Committed => Interlocked.Read(ref _committed);

    public long Errors => Interlocked.Read(ref _errors);

    public long Blocks => Interlocked.Read(ref _blocks);

    public long BlockTxs => Interlocked.Read(ref _blockTxs);

    /// <summary>Rounds beyond the first that heights needed (a timed-out proposal costs one).</summary>
    public long ExtraRounds => Interlocked.Read(ref _extraRounds);

    public ulong LastHeight { get; private set; }

    public long CommitTicks(int i) => Volatile.Read(ref _commitTicks[i]);

    public string? FirstError => _messages.FirstOrDefault(m => m is not null);

    public Task RunAsync(GovChainClient client, ulong fromHeight, CancellationToken ct) => Task.Run(
        async () =>
        {
            try
            {
                await foreach (var certified in client.StreamBlocksAsync(fromHeight, cancellationToken: ct).ConfigureAwait(false))
                {
                    var now = Stopwatch.GetTimestamp();
                    var block = certified.Block;
                    LastHeight = block.Header.Height;
                    Interlocked.Increment(ref _blocks);
                    Interlocked.Add(ref _blockTxs, block.Transactions.Count);
                    Interlocked.Add(ref _extraRounds, certified.Certificate?.Round ?? 0);
                    for (var t = 0; t < block.Transactions.Count; t++)
                    {
                        if (!_index.TryGetValue(block.Transactions[t].Id(), out var i) || _commitTicks[i] != 0)
                        {
                            continue;
                        }

                        var receipt = t < certified.Receipts.Count ? certified.Receipts[t] : null;
                        if (receipt is { Code: not 0 })
                        {
                            _codes[i] = receipt.Code;
                            _messages[i] = $"receipt code {receipt.Code}: {receipt.Message}";
                            Interlocked.Increment(ref _errors);
                        }

                        Volatile.Write(ref _commitTicks[i], now);
                        Interlocked.Increment(ref _committed);
                    }
                }
            }
            catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                // The run is over.
            }
        },
        ct);

    /// <summary>Waits until <paramref name="count"/> tracked transactions are committed, or the limit passes.</summary>
    public async Task<bool> WaitForAsync(long count, TimeSpan limit, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Committed < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        return true;
    }
}

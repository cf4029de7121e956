using System.Collections.Concurrent;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Client;
using GovChain.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using ClientApi = GovChain.Protocol.Client.ClientClient;

namespace GovChain.LoadGen.Abuse;

/// <summary>
/// One abusive client (one address) doing everything at once: a gap flood of (pre-)signed
/// transactions from fresh keys (nonces 2.., never 1), block streams and commit waits hoarded
/// up to whatever the node lets it hold, block streams from height 1 it never reads, and a
/// flood of cheap calls. Counts each outcome by status and refusing limit.
/// </summary>
internal sealed class Abuser : IAsyncDisposable
{
    private const int HoardedStreams = 200;
    private const int HoardedWaits = 4000;
    private const int UnreadStreams = 16;
    private const int GapTxsPerKey = 20;
    private const int GapKeys = 1500;

    private readonly GrpcChannel _channel;
    private readonly ClientApi _api;
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private readonly List<IDisposable> _held = [];
    private readonly SignedTransaction[] _gapFlood;

    public Abuser(Uri address, GovChainChannelOptions options, string chainId)
    {
        _channel = GovChainClient.CreateChannel(address, options);
        _api = new ClientApi(_channel);
        _gapFlood = SignGapFlood(chainId);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var tasks = new List<Task>
        {
            Task.Run(() => GapFloodAsync(ct), ct),
            Task.Run(() => CallFloodAsync(ct), ct),
            Task.Run(() => HoardStreamsAsync(ct), ct),
            Task.Run(() => HoardWaitsAsync(ct), ct),
            Task.Run(() => UnreadStreamsAsync(ct), ct),
        };
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public void PrintCounts()
    {
        Console.WriteLine("abuser outcomes (activity: status [limit]):");
        foreach (var (key, count) in _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {key,-60} {count,8}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_held)
        {
            _held.ForEach(h => h.Dispose());
            _held.Clear();
        }

        _channel.Dispose();
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private void Count(string activity, Exception? error)
    {
        var key = error switch
        {
            null => $"{activity}: OK",
            RpcException rpc => $"{activity}: {rpc.StatusCode} [{rpc.Trailers.GetValue("govchain-limit") ?? rpc.Trailers.GetValue("govchain-admission") ?? "-"}]",
            _ => $"{activity}: {error.GetType().Name}",
        };
        _outcomes.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    private async Task GapFloodAsync(CancellationToken ct)
    {
        var gate = new SemaphoreSlim(64);
        var pending = new List<Task>();
        for (var i = 0; !ct.IsCancellationRequested; i = (i + 1) % _gapFlood.Length)
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            pending.Add(SubmitAsync(_gapFlood[i], gate, ct));
            if (pending.Count > 1024)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }
    }

    /// <summary>
    /// Signed before the run, as an abuser on its own machine would have them: the run then
    /// measures what the flood costs the node, not what signing it costs this shared process.
    /// Sent round and round; a copy still held is refused as known, an expired one is new again.
    /// </summary>
    private static SignedTransaction[] SignGapFlood(string chainId)
    {
        return Enumerable.Range(0, GapKeys).AsParallel().SelectMany(_ =>
        {
            using var key = KeyPair.Generate();
            return Enumerable.Range(2, GapTxsPerKey)
                .Select(n => LandCalls.RegisterParcel($"GAP-{n}", key.PublicKey, new byte[32], 1).Sign(chainId, key, (ulong)n))
                .ToArray();
        }).ToArray();
    }

    private async Task SubmitAsync(SignedTransaction tx, SemaphoreSlim gate, CancellationToken ct)
    {
        try
        {
            await _api.SubmitTransactionAsync(new SubmitTransactionRequest { Transaction = tx }, cancellationToken: ct).ConfigureAwait(false);
            Count("gap flood submit", null);
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            Count("gap flood submit", ex);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task CallFloodAsync(CancellationToken ct)
    {
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await _api.GetStatusAsync(new GetStatusRequest(), cancellationToken: ct).ConfigureAwait(false);
                    Count("call flood GetStatus", null);
                }
                catch (RpcException ex) when (!ct.IsCancellationRequested)
                {
                    Count("call flood GetStatus", ex);
                }
                catch (Exception) when (ct.IsCancellationRequested)
                {
                }
            }
        })).ConfigureAwait(false);
    }

    private async Task HoardStreamsAsync(CancellationToken ct)
    {
        var firsts = new List<Task<bool>>();
        for (var i = 0; i < HoardedStreams && !ct.IsCancellationRequested; i++)
        {
            var call = _api.StreamBlocks(new StreamBlocksRequest { FromHeight = ulong.MaxValue / 2 }, cancellationToken: ct);
            Hold(call);
            firsts.Add(call.ResponseStream.MoveNext(ct));
            await Task.Delay(5, ct).ConfigureAwait(false);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        finally
        {
            // Counted when the run stops, however slowly the node answered: a refusal, or held to the end.
            foreach (var first in firsts)
            {
                var refusal = first.IsFaulted ? first.Exception?.InnerException : null;
                if (refusal is RpcException { StatusCode: not StatusCode.Cancelled })
                {
                    Count("hoard stream", refusal);
                }
                else
                {
                    Count("hoard stream (held to the end)", null);
                }

                _ = first.ContinueWith(t => t.Exception, TaskScheduler.Default);
            }
        }
    }

    private async Task HoardWaitsAsync(CancellationToken ct)
    {
        var waits = new List<Task>();
        for (var i = 0; i < HoardedWaits && !ct.IsCancellationRequested; i++)
        {
            var id = new byte[32];
            BitConverter.TryWriteBytes(id, i);
            id[31] = 0xAB;
            waits.Add(WaitAsync(id, ct));
        }

        await Task.WhenAll(waits).ConfigureAwait(false);
    }

    private async Task WaitAsync(byte[] id, CancellationToken ct)
    {
        try
        {
            await _api.WaitForTransactionAsync(new GetTransactionRequest { TxId = ByteString.CopyFrom(id) }, cancellationToken: ct).ConfigureAwait(false);
            Count("hoard wait", null);
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            Count("hoard wait", ex);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            Count("hoard wait (held to the end)", null);
        }
    }

    private async Task UnreadStreamsAsync(CancellationToken ct)
    {
        // Streams of every block from height 1, never read: the server's writes stall on flow control.
        for (var i = 0; i < UnreadStreams; i++)
        {
            Hold(_api.StreamBlocks(new StreamBlocksRequest { FromHeight = 1 }, cancellationToken: ct));
        }

        await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
    }

    private void Hold(IDisposable call)
    {
        lock (_held)
        {
            _held.Add(call);
        }
    }
}

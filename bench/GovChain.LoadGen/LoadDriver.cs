using System.Collections.Concurrent;
using System.Diagnostics;
using GovChain.Client;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.LoadGen;

/// <summary>
/// Submits pre-signed transactions to the nodes' client APIs, at a fixed rate or as fast as
/// they are admitted, with at most <c>concurrency</c> calls in flight. At a fixed rate the
/// latency clock starts at each transaction's scheduled time, so a stalled network is charged
/// for the queue it causes (no coordinated omission).
/// </summary>
internal sealed class LoadDriver
{
    private readonly GovChainClient[] _clients;
    private readonly int _concurrency;
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private long _backPressure;
    private long _failed;

    public LoadDriver(GovChainClient[] clients, int concurrency)
    {
        _clients = clients;
        _concurrency = concurrency;
    }

    /// <summary>The node's RESOURCE_EXHAUSTED trailer naming when a retry is likely to be admitted.</summary>
    public const string RetryAfterTrailer = "govchain-retry-after-ms";

    /// <summary>Submissions refused at once with RESOURCE_EXHAUSTED (each was retried after the node's hint).</summary>
    public long BackPressureRetries => Interlocked.Read(ref _backPressure);

    /// <summary>How long to wait before retrying a refusal: the node's hint, bounded, else a short back-off.</summary>
    public static TimeSpan RetryAfter(RpcException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var hint = refusal.Trailers.GetValue(RetryAfterTrailer);
        return int.TryParse(hint, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(Math.Clamp(ms, 10, 5_000))
            : TimeSpan.FromMilliseconds(20);
    }

    public long Failed => Interlocked.Read(ref _failed);

    public IReadOnlyDictionary<string, int> Failures => _failures;

    /// <summary>Submits <paramref name="txs"/> in order until done or <paramref name="duration"/> passes; returns how many were sent and their start ticks.</summary>
    public async Task<int> RunAsync(
        SignedTransaction[] txs, Func<int, int> nodeOf, int? ratePerSecond, TimeSpan duration, long[] startTicks, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(_concurrency);
        var inFlight = new List<Task>(1024);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var sent = 0;
        for (var i = 0; i < txs.Length; i++)
        {
            long scheduled;
            if (ratePerSecond is { } rate)
            {
                // The offered load ends with the duration even when the network fell behind the schedule.
                scheduled = start + (long)((double)i * Stopwatch.Frequency / rate);
                if (scheduled >= end || Stopwatch.GetTimestamp() >= end)
                {
                    break;
                }

                var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
                if (ahead > TimeSpan.FromMilliseconds(2))
                {
                    await Task.Delay(ahead, ct).ConfigureAwait(false);
                }
            }
            else if (Stopwatch.GetTimestamp() >= end)
            {
                break;
            }

            await gate.WaitAsync(ct).ConfigureAwait(false);
            var now = Stopwatch.GetTimestamp();
            startTicks[i] = ratePerSecond is null ? now : Math.Min(now, start + (long)((double)i * Stopwatch.Frequency / ratePerSecond.Value));
            inFlight.Add(SubmitAsync(_clients[nodeOf(i)], txs[i], gate, end, ratePerSecond is null ? startTicks : null, i, ct));
            sent++;
            if (inFlight.Count >= 1024)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        return sent;
    }

    /// <param name="attemptTicks">At maximum rate: set to the start of each attempt, so finality counts from the submission that was admitted.</param>
    private async Task SubmitAsync(GovChainClient client, SignedTransaction tx, SemaphoreSlim gate, long end, long[]? attemptTicks, int index, CancellationToken ct)
    {
        try
        {
            // A node bounded by what the network can commit soon refuses at once with RESOURCE_EXHAUSTED
            // and says when to retry: count the refusal, wait as told, retry, for a bounded time past the end.
            var giveUp = end + (10 * Stopwatch.Frequency);
            while (true)
            {
                if (attemptTicks is not null)
                {
                    attemptTicks[index] = Stopwatch.GetTimestamp();
                }

                try
                {
                    await client.SubmitAsync(tx, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                    return;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted && Stopwatch.GetTimestamp() < giveUp)
                {
                    Interlocked.Increment(ref _backPressure);
                    await Task.Delay(RetryAfter(ex), ct).ConfigureAwait(false);
                }
            }
        }
        catch (RpcException ex)
        {
            Interlocked.Increment(ref _failed);
            var key = $"{ex.StatusCode}: {ex.Status.Detail}";
            if (_failures.Count < 16 || _failures.ContainsKey(key[..Math.Min(key.Length, 80)]))
            {
                _failures.AddOrUpdate(key[..Math.Min(key.Length, 80)], 1, (_, n) => n + 1);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run is being stopped.
        }
        finally
        {
            gate.Release();
        }
    }
}

using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Node.Configuration;
using GovChain.Node.Network;
using GovChain.Protocol;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Observer;

/// <summary>
/// The "peer network" of an observer: the public client API of department nodes. A headers-only
/// block stream from each followed node tells the driver how far the chain is; block sync fetches
/// the blocks with GetBlock, and the driver verifies each (certificate by more than 2/3 of the set
/// of its height, parent link, re-execution to the header's state root) — a node that serves one
/// that fails is left out for a while. Submissions the observer admits are forwarded to a followed
/// node. Nothing is sent to validators: an observer has no vote and no peer session.
/// </summary>
public sealed partial class ClientApiFollower : IPeerNetwork
{
    /// <summary>Batches of admitted transactions waiting to be forwarded; beyond it new ones are dropped (the client retries).</summary>
    public const int MaxPendingBatches = 256;

    private static readonly Meter Meter = new("GovChain.Observer");
    private static readonly Counter<long> Forwarded = Meter.CreateCounter<long>("govchain.observer.forwarded", description: "Submissions forwarded to a followed node, by outcome.");
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("govchain.observer.followed_refused", description: "Followed nodes left out for serving a block that does not verify.");
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly FollowedNode[] _nodes;
    private readonly ObserverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<IReadOnlyList<SignedTransaction>> _outbox =
        Channel.CreateBounded<IReadOnlyList<SignedTransaction>>(new BoundedChannelOptions(MaxPendingBatches) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly List<Task> _tasks = [];
    private IPeerHandler? _handler;
    private int _disposed;

    public ClientApiFollower(GenesisDocument genesis, ObserverOptions options, int maxMessageBytes, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var addresses = new List<Uri>();
        foreach (var text in options.Follow)
        {
            if (NodeOptionsValidator.FollowProblem(text) is { } problem || !NodeOptionsValidator.TryParseFollow(text, out var uri))
            {
                throw new ArgumentException($"Observer:Follow: '{text}' {NodeOptionsValidator.FollowProblem(text)}");
            }

            addresses.Add(uri);
        }

        if (addresses.Count == 0)
        {
            throw new ArgumentException("Observer:Follow: an observer follows at least one department node");
        }

        _options = options;
        _time = time;
        _logger = logger;
        _nodes = addresses.Distinct().Select(a => new FollowedNode(a, genesis, maxMessageBytes)).ToArray();
    }

    public IReadOnlyList<PeerSnapshot> Peers =>
        _nodes.Select(n => new PeerSnapshot(n.Department, n.Id, n.Address.Authority, n.Connected && !n.IsBanned(_time), n.Height)).ToArray();

    public Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("The follower is already started.");
        }

        foreach (var node in _nodes)
        {
            _tasks.Add(Task.Run(() => FollowAsync(node, _stop.Token), CancellationToken.None));
        }

        _tasks.Add(Task.Run(() => ForwardAsync(_stop.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <summary>An observer has no vote: there is nothing to broadcast.</summary>
    public void Broadcast(ConsensusMessage message)
    {
    }

    public void SendTo(Hash32 validator, ConsensusMessage message)
    {
    }

    /// <summary>Admitted submissions go to a followed node; a full outbox drops the batch (its clients see no commit and retry).</summary>
    public void Gossip(IReadOnlyList<SignedTransaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count > 0 && !_outbox.Writer.TryWrite(transactions))
        {
            Forwarded.Add(transactions.Count, new KeyValuePair<string, object?>("outcome", "dropped"));
            LogForwardDropped(_logger, transactions.Count);
        }
    }

    public async IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(ulong fromHeight, ulong toHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The node that announced the most first; one that fails mid-way hands over to the next.
        foreach (var node in _nodes.Where(n => !n.IsBanned(_time)).OrderByDescending(n => n.Height))
        {
            var served = 0;
            for (var height = fromHeight; height <= toHeight && height >= fromHeight; height++)
            {
                var (block, failure) = await GetBlockAsync(node, height, cancellationToken).ConfigureAwait(false);
                if (block is null)
                {
                    if (failure is not null)
                    {
                        LogFetchFailed(_logger, node.Address.Authority, height, failure);
                    }

                    break;
                }

                if (block.Block?.Header?.Height != height)
                {
                    // Cheap before anything the driver checks: a block that is not the one asked for.
                    ReportMisbehaviour(node.Id, $"GetBlock({height}) answered with block {block.Block?.Header?.Height.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}");
                    break;
                }

                served++;
                yield return new FetchedBlock(node.Id, block);
            }

            if (served > 0)
            {
                yield break;
            }
        }
    }

    public void ReportMisbehaviour(Hash32 validator, string reason)
    {
        foreach (var node in _nodes.Where(n => n.Id == validator))
        {
            node.Ban(_time, TimeSpan.FromMilliseconds(_options.BanMs));
            Refused.Add(1);
            LogRefused(_logger, node.Address.Authority, node.Department, reason, _options.BanMs);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _outbox.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        _stop.Dispose();
    }

    /// <summary>A block, or null with the reason (null too when the node simply has no block at that height yet).</summary>
    private async Task<(CertifiedBlock? Block, string? Failure)> GetBlockAsync(FollowedNode node, ulong height, CancellationToken cancellationToken)
    {
        try
        {
            var block = await node.Api.GetBlockAsync(new GetBlockRequest { Height = height }, deadline: _time.GetUtcNow().UtcDateTime + CallTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (block, null);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return (null, null);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            node.Lost();
            return (null, $"{ex.StatusCode}: {ex.Status.Detail}");
        }
    }

    /// <summary>Follows one node's commits (headers only) and tells the driver each height; reconnects with a growing wait.</summary>
    private async Task FollowAsync(FollowedNode node, CancellationToken stop)
    {
        var handler = _handler!;
        var wait = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var call = node.Api.StreamBlocks(new StreamBlocksRequest { FromHeight = handler.Height + 1, HeadersOnly = true }, cancellationToken: stop);
                while (await call.ResponseStream.MoveNext(stop).ConfigureAwait(false))
                {
                    var height = call.ResponseStream.Current.Block?.Header?.Height ?? 0;
                    if (height == 0)
                    {
                        continue;
                    }

                    if (!node.Connected)
                    {
                        LogFollowing(_logger, node.Address.Authority, node.Department, height);
                    }

                    node.Announced(height);
                    wait = FirstRetry;
                    if (!node.IsBanned(_time))
                    {
                        handler.OnPeerHeight(node.Id, height);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException or InvalidOperationException)
            {
                if (node.Connected || wait == FirstRetry)
                {
                    LogStreamLost(_logger, node.Address.Authority, ex.Message, (long)wait.TotalMilliseconds);
                }
            }

            node.Lost();
            try
            {
                await Task.Delay(wait, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMilliseconds(_options.MaxReconnectDelayMs).Ticks));
        }
    }

    private async Task ForwardAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var batch in _outbox.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                await Task.WhenAll(batch.Select(tx => ForwardOneAsync(tx, stop))).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>To the best followed node; one that cannot take it now (down, busy) hands over to the next.</summary>
    private async Task ForwardOneAsync(SignedTransaction transaction, CancellationToken stop)
    {
        string? last = null;
        foreach (var node in _nodes.Where(n => !n.IsBanned(_time)).OrderByDescending(n => n.Connected).ThenByDescending(n => n.Height))
        {
            try
            {
                await node.Api.SubmitTransactionAsync(new SubmitTransactionRequest { Transaction = transaction }, deadline: _time.GetUtcNow().UtcDateTime + CallTimeout, cancellationToken: stop).ConfigureAwait(false);
                Forwarded.Add(1, new KeyValuePair<string, object?>("outcome", "admitted"));
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
            {
                Forwarded.Add(1, new KeyValuePair<string, object?>("outcome", "admitted"));
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Internal or StatusCode.Unknown && !stop.IsCancellationRequested)
            {
                last = $"{node.Address.Authority}: {ex.StatusCode}: {ex.Status.Detail}";
            }
            catch (RpcException ex) when (!stop.IsCancellationRequested)
            {
                // The department refused it outright (its state is ahead of ours, or the rules differ): another would too.
                Forwarded.Add(1, new KeyValuePair<string, object?>("outcome", "refused"));
                LogForwardRefused(_logger, node.Address.Authority, ex.StatusCode.ToString(), ex.Status.Detail);
                return;
            }
        }

        if (!stop.IsCancellationRequested)
        {
            Forwarded.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            LogForwardFailed(_logger, last ?? "no followed node is available");
        }
    }

    [LoggerMessage(EventId = 7500, Level = LogLevel.Information, Message = "Observer follows {Address} ({DepartmentId}), at height {Height}")]
    private static partial void LogFollowing(ILogger logger, string address, string departmentId, ulong height);

    [LoggerMessage(EventId = 7501, Level = LogLevel.Warning, Message = "Observer lost the block stream of {Address}: {Reason}; dialling again in {WaitMs} ms")]
    private static partial void LogStreamLost(ILogger logger, string address, string reason, long waitMs);

    [LoggerMessage(EventId = 7502, Level = LogLevel.Warning, Message = "Observer could not fetch block {Height} from {Address}: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string address, ulong height, string reason);

    [LoggerMessage(EventId = 7503, Level = LogLevel.Warning, Message = "Observer refuses {Address} ({DepartmentId}) for {BanMs} ms: {Reason}")]
    private static partial void LogRefused(ILogger logger, string address, string departmentId, string reason, int banMs);

    [LoggerMessage(EventId = 7504, Level = LogLevel.Warning, Message = "Observer forwarded a submission to {Address}, which refused it: {Code}: {Reason}")]
    private static partial void LogForwardRefused(ILogger logger, string address, string code, string reason);

    [LoggerMessage(EventId = 7505, Level = LogLevel.Warning, Message = "Observer could not forward a submission: {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7506, Level = LogLevel.Warning, Message = "Observer dropped {Count} submissions: the forwarding queue is full")]
    private static partial void LogForwardDropped(ILogger logger, int count);
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Node.Network.InMemory;

/// <summary>
/// One node's <see cref="IPeerNetwork"/> on an <see cref="InMemoryPeerHub"/>. Each node has a
/// bounded inbound queue drained by its own task, so a slow node never blocks a sender; a
/// full queue drops the oldest message, as the real network does. A peer reported for
/// misbehaviour is cut off from this node for <see cref="MisbehaviourBan"/>, as the real network does.
/// </summary>
public sealed class InMemoryPeerNetwork : IPeerNetwork
{
    private readonly InMemoryPeerHub _hub;
    private readonly Channel<Inbound> _inbound;
    private readonly List<(Hash32 Validator, string Reason)> _misbehaviour = [];
    private readonly ConcurrentDictionary<Hash32, long> _bannedUntilMs = new();
    private long _fetchRequests;
    private readonly CancellationTokenSource _stop = new();
    private IPeerHandler? _handler;
    private Task? _pump;
    private int _disposed;

    internal InMemoryPeerNetwork(InMemoryPeerHub hub, string departmentId, Hash32 validatorKey, int queueCapacity)
    {
        _hub = hub;
        DepartmentId = departmentId;
        ValidatorKey = validatorKey;
        _inbound = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        }, _ => hub.CountDrop());
    }

    public string DepartmentId { get; }

    /// <summary>How long a peer reported for misbehaviour stays cut off from this node.</summary>
    public TimeSpan MisbehaviourBan { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Block-sync fetches asked of this network so far.</summary>
    public long FetchRequests => Interlocked.Read(ref _fetchRequests);

    public Hash32 ValidatorKey { get; }

    internal bool IsRunning => _handler is not null && Volatile.Read(ref _disposed) == 0;

    internal IPeerHandler? Handler => _handler;

    /// <summary>Misbehaviour reported by this node about its peers.</summary>
    public IReadOnlyList<(Hash32 Validator, string Reason)> Misbehaviour
    {
        get
        {
            lock (_misbehaviour)
            {
                return [.. _misbehaviour];
            }
        }
    }

    public IReadOnlyList<PeerSnapshot> Peers =>
        _hub.Members.Where(m => m != this)
            .Select(m => new PeerSnapshot(m.DepartmentId, m.ValidatorKey, "memory://" + m.DepartmentId, _hub.Linked(this, m), _hub.Linked(this, m) ? m.Handler!.Height : 0))
            .ToList();

    public Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _pump = Task.Run(() => PumpAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public void Broadcast(ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = message.ToByteArray();
        foreach (var peer in _hub.Members)
        {
            Deliver(peer, message, bytes);
        }
    }

    public void SendTo(Hash32 validator, ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var peer = _hub.Members.FirstOrDefault(m => m.ValidatorKey == validator);
        if (peer is not null)
        {
            Deliver(peer, message, message.ToByteArray());
        }
    }

    public void Gossip(IReadOnlyList<SignedTransaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count == 0)
        {
            return;
        }

        var encoded = transactions.Select(t => t.ToByteArray()).ToArray();
        foreach (var peer in _hub.Members)
        {
            if (_hub.Linked(this, peer))
            {
                peer._inbound.Writer.TryWrite(new Inbound(ValidatorKey, null, encoded, Height()));
            }
        }
    }

    /// <remarks>
    /// Asks the linked peers that report the height, highest first, each continuing where the
    /// last stopped (a peer that has nothing, or ends early, passes to the next), in ascending
    /// height without gaps, as the gRPC network does.
    /// </remarks>
    public async IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(ulong fromHeight, ulong toHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fetchRequests);
        var next = fromHeight;
        var sources = _hub.Members
            .Where(m => _hub.Linked(this, m) && m.Handler!.Height >= fromHeight)
            .OrderByDescending(m => m.Handler!.Height)
            .ToList();
        foreach (var source in sources)
        {
            if (next > toHeight || !_hub.Linked(this, source))
            {
                break;
            }

            foreach (var block in source.Handler!.ReadBlocks(next, toHeight))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (block.Block?.Header?.Height != next || !_hub.Linked(this, source))
                {
                    break;
                }

                next++;
                yield return new FetchedBlock(source.ValidatorKey, CertifiedBlock.Parser.ParseFrom(block.ToByteArray()));
            }
        }

        await Task.Yield();
    }

    public void ReportMisbehaviour(Hash32 validator, string reason)
    {
        lock (_misbehaviour)
        {
            if (_misbehaviour.Count < 1000)
            {
                _misbehaviour.Add((validator, reason));
            }
        }

        if (MisbehaviourBan > TimeSpan.Zero)
        {
            _bannedUntilMs[validator] = Environment.TickCount64 + (long)MisbehaviourBan.TotalMilliseconds;
        }
    }

    /// <summary>True while this node keeps <paramref name="validator"/> cut off for misbehaviour.</summary>
    internal bool Bans(Hash32 validator) =>
        !_bannedUntilMs.IsEmpty && _bannedUntilMs.TryGetValue(validator, out var until) && Environment.TickCount64 < until;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _hub.Leave(this);
        await _stop.CancelAsync().ConfigureAwait(false);
        _inbound.Writer.TryComplete();
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private ulong Height() => _handler?.Height ?? 0;

    private void Deliver(InMemoryPeerNetwork peer, ConsensusMessage message, byte[] bytes)
    {
        if (!_hub.Linked(this, peer))
        {
            return;
        }

        if (_hub.ShouldDrop(ValidatorKey, peer.ValidatorKey, message))
        {
            _hub.CountDrop();
            return;
        }

        peer._inbound.Writer.TryWrite(new Inbound(ValidatorKey, bytes, null, Height()));
        _hub.CountDelivery();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _inbound.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var handler = _handler!;
                handler.OnPeerHeight(item.From, item.SenderHeight);
                if (item.Consensus is { } bytes)
                {
                    handler.OnConsensusMessage(item.From, ConsensusMessage.Parser.ParseFrom(bytes));
                }
                else if (item.Transactions is { } txs)
                {
                    handler.OnTransactions(item.From, txs.Select(t => SignedTransaction.Parser.ParseFrom(t)).ToList());
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private sealed record Inbound(Hash32 From, byte[]? Consensus, byte[][]? Transactions, ulong SenderHeight);
}

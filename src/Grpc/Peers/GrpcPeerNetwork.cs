using System.Collections.Frozen;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Node.Mempool;
using GovChain.Node.Network;
using GovChain.Protocol;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Peers;

/// <summary>
/// The peer network over gRPC: serves <c>govchain.v1.Peer</c> (<see cref="PeerService"/>, on the
/// node's peer listener, which trusts <see cref="PeerTransport.CreateServerSecurity"/>) and
/// dials every other genesis department, one reused channel each. Every connection is
/// authenticated both ways by pinned TLS certificates and a validator-key handshake.
/// </summary>
public sealed partial class GrpcPeerNetwork : IPeerNetwork
{
    private readonly PeerDirectory _directory;
    private readonly IPeerHandler _handler;
    private readonly GrpcPeerNetworkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PeerService _service;
    private readonly PeerConnection[] _connections;
    private readonly FrozenDictionary<Hash32, PeerConnection> _byKey;
    private int _state; // 0 new, 1 started, 2 disposed
    private int _fetchRotation;

    /// <param name="genesis">The chain's genesis: departments, validator keys, endpoints and TLS certificates.</param>
    /// <param name="departmentId">This node's department; its key and certificate must be the ones genesis lists.</param>
    /// <param name="validatorKey">This node's validator key (not disposed here).</param>
    /// <param name="handler">Receives what peers send and serves what they ask; the same one is passed to <see cref="StartAsync"/>.</param>
    /// <param name="transport">Mutual TLS with this node's certificate, or plaintext for loopback.</param>
    public GrpcPeerNetwork(
        GenesisDocument genesis,
        string departmentId,
        KeyPair validatorKey,
        IPeerHandler handler,
        PeerTransport transport,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        GrpcPeerNetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options ??= new GrpcPeerNetworkOptions();
        options.Validate();
        _directory = new PeerDirectory(genesis, departmentId, validatorKey, transport);
        _handler = handler;
        _options = options;
        _time = timeProvider;
        _logger = loggerFactory.CreateLogger("GovChain.Node.Network.Peers");
        _service = new PeerService(_directory, handler, options, timeProvider, _logger);
        _connections = _directory.Peers
            .Where(p => p.Identity.Endpoint.Length > 0)
            .Select(p => new PeerConnection(p, _directory, handler, options, timeProvider, _logger))
            .ToArray();
        _byKey = _connections.ToFrozenDictionary(c => c.Peer.Identity.ValidatorKey);
    }

    /// <summary>The <c>govchain.v1.Peer</c> service; the node's peer listener serves it (see <see cref="Hosting.NodeServer"/>).</summary>
    internal PeerService PeerService => _service;

    public IReadOnlyList<PeerSnapshot> Peers =>
        _directory.Peers.Select(p => new PeerSnapshot(
            p.Identity.DepartmentId, p.Identity.ValidatorKey, p.Identity.Endpoint, p.Connected, p.Height)).ToArray();

    public Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(handler, _handler))
        {
            throw new ArgumentException("start the network with the handler it was built with", nameof(handler));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the peer network was already started");
        }

        foreach (var connection in _connections)
        {
            connection.Start();
        }

        return Task.CompletedTask;
    }

    /// <remarks>The message is shared by every peer's queue: do not modify it after the call.</remarks>
    public void Broadcast(ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var connection in _connections)
        {
            connection.Enqueue(message);
        }
    }

    public void SendTo(Hash32 validator, ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_byKey.TryGetValue(validator, out var connection))
        {
            connection.Enqueue(message);
        }
        else
        {
            PeerMetrics.Dropped("unknown_peer");
        }
    }

    public void Gossip(IReadOnlyList<SignedTransaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        foreach (var connection in _connections)
        {
            for (var i = 0; i < transactions.Count; i++)
            {
                connection.EnqueueGossip(transactions[i]);
            }
        }
    }

    /// <summary>
    /// Sends one gossip batch to one peer now, bypassing the batching queue, and returns the
    /// peer's admission outcome of each transaction. Fails with UNAVAILABLE when not connected.
    /// </summary>
    public Task<AdmissionResult[]> GossipToAsync(Hash32 validator, IReadOnlyList<SignedTransaction> transactions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count > _options.MaxGossipBatchTransactions)
        {
            throw new ArgumentException($"a gossip batch holds at most {_options.MaxGossipBatchTransactions} transactions", nameof(transactions));
        }

        return _byKey.TryGetValue(validator, out var connection)
            ? connection.SendGossipAsync(transactions, cancellationToken)
            : throw new ArgumentException($"{validator} is not a peer of this node", nameof(validator));
    }

    public void ReportMisbehaviour(Hash32 validator, string reason)
    {
        var peer = _directory.Find(validator);
        if (peer is null)
        {
            return;
        }

        var ban = _options.MisbehaviourBan;
        PeerLog.Misbehaviour(_logger, peer.Identity.DepartmentId, reason ?? string.Empty, (long)ban.TotalMilliseconds);
        if (ban <= TimeSpan.Zero)
        {
            return;
        }

        peer.Ban(_time.GetUtcNow() + ban);

        // Stop sending at once; the session itself unwinds on its own thread.
        peer.Connected = false;
        _service.CloseSession(peer.Identity.DepartmentId, StatusCode.PermissionDenied, $"disconnected for misbehaviour: {reason}");
        if (_byKey.TryGetValue(validator, out var connection))
        {
            connection.Disconnect();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        _service.CloseAll();
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

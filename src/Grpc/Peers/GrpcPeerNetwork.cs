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
/// node's peer listener, which trusts <see cref="PeerTransport.CreateServerSecurity(GrpcPeerNetwork)"/>) and
/// dials every other department of the committed membership, one reused channel each, following
/// it as governance changes it (<see cref="ApplyMembership"/>). Every connection is
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
    private readonly Lock _membershipGate = new();
    private readonly List<Task> _retiring = [];
    private volatile Connections _live;
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
        : this(genesis, departmentId, [validatorKey], handler, transport, timeProvider, loggerFactory, options, null)
    {
    }

    /// <param name="validatorKeys">This node's keys (not disposed here); it introduces itself with the one the membership registers.</param>
    /// <param name="membership">The committed membership to start from; genesis's when null.</param>
    public GrpcPeerNetwork(
        GenesisDocument genesis,
        string departmentId,
        IReadOnlyList<KeyPair> validatorKeys,
        IPeerHandler handler,
        PeerTransport transport,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        GrpcPeerNetworkOptions? options,
        Membership? membership)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options ??= new GrpcPeerNetworkOptions();
        options.Validate();
        _directory = new PeerDirectory(genesis, departmentId, validatorKeys, transport, membership);
        _handler = handler;
        _options = options;
        _time = timeProvider;
        _logger = loggerFactory.CreateLogger("GovChain.Node.Network.Peers");
        _service = new PeerService(_directory, handler, options, timeProvider, _logger);
        _live = new Connections(_directory.Peers.Where(p => p.Identity.Endpoint.Length > 0).Select(Connect).ToArray());
    }

    /// <summary>The committed height whose membership the network follows.</summary>
    public ulong MembershipHeight => _directory.Height;

    /// <summary>True when a certificate is one some member may present now (the peer listener's TLS check).</summary>
    public bool AcceptsCertificate(ReadOnlySpan<byte> der) => _directory.AcceptsCertificate(PeerIdentity.HashCertificate(der));

    /// <summary>
    /// Follows the committed membership: a department that left or changed its key, endpoint or
    /// accepted certificates has its sessions closed (it must redial and be checked again) and
    /// its outbound connection replaced; a department that joined is dialled. Never blocks on a
    /// peer: retired connections wind down in the background.
    /// </summary>
    public void ApplyMembership(Membership membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        lock (_membershipGate)
        {
            if (Volatile.Read(ref _state) == 2)
            {
                return;
            }

            var wasMember = _directory.IsMember;
            var (added, removed) = _directory.Update(membership, out var problems);
            foreach (var problem in problems)
            {
                PeerLog.MembershipProblem(_logger, membership.Height, problem);
            }

            if (wasMember != _directory.IsMember)
            {
                PeerLog.OwnMembership(_logger, _directory.Self.DepartmentId, _directory.IsMember, membership.Height);
            }

            if (added.Count == 0 && removed.Count == 0)
            {
                return;
            }

            var kept = _live.All.Where(c => !removed.Contains(c.Peer)).ToList();
            foreach (var peer in removed)
            {
                var stays = added.Any(a => a.Identity.DepartmentId == peer.Identity.DepartmentId);
                var reason = stays
                    ? $"'{peer.Identity.DepartmentId}' changed its key, endpoint or certificate at height {membership.Height}"
                    : $"'{peer.Identity.DepartmentId}' is no longer a department of this chain at height {membership.Height}";
                PeerLog.MembershipChanged(_logger, peer.Identity.DepartmentId, reason);
                peer.Connected = false;
                _service.CloseSession(peer.Identity.DepartmentId, StatusCode.PermissionDenied, reason);
                foreach (var connection in _live.All.Where(c => ReferenceEquals(c.Peer, peer)))
                {
                    _retiring.Add(connection.DisposeAsync().AsTask());
                }
            }

            foreach (var peer in added.Where(p => p.Identity.Endpoint.Length > 0))
            {
                PeerLog.MembershipChanged(_logger, peer.Identity.DepartmentId, $"dialling '{peer.Identity.DepartmentId}' at {peer.Identity.Endpoint} from height {membership.Height}");
                var connection = Connect(peer);
                kept.Add(connection);
                if (Volatile.Read(ref _state) == 1)
                {
                    connection.Start();
                }
            }

            _retiring.RemoveAll(t => t.IsCompleted);
            _live = new Connections([.. kept]);
        }
    }

    private PeerConnection Connect(PeerState peer) => new(peer, _directory, _handler, _options, _time, _logger);

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

        lock (_membershipGate)
        {
            foreach (var connection in _live.All)
            {
                connection.Start();
            }
        }

        return Task.CompletedTask;
    }

    /// <remarks>The message is shared by every peer's queue: do not modify it after the call.</remarks>
    public void Broadcast(ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var connection in _live.All)
        {
            connection.Enqueue(message);
        }
    }

    public void SendTo(Hash32 validator, ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_live.ByKey.TryGetValue(validator, out var connection))
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
        foreach (var connection in _live.All)
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

        return _live.ByKey.TryGetValue(validator, out var connection)
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
        if (_live.ByKey.TryGetValue(validator, out var connection))
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
        Task[] retiring;
        PeerConnection[] live;
        lock (_membershipGate)
        {
            retiring = [.. _retiring];
            live = _live.All;
        }

        foreach (var connection in live)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(retiring).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>The outbound connections of one membership view, swapped whole on a change.</summary>
    private sealed class Connections
    {
        public Connections(PeerConnection[] all)
        {
            All = all;
            var byKey = new Dictionary<Hash32, PeerConnection>();
            foreach (var connection in all)
            {
                byKey.TryAdd(connection.Peer.Identity.ValidatorKey, connection);
            }

            ByKey = byKey.ToFrozenDictionary();
        }

        public PeerConnection[] All { get; }

        public FrozenDictionary<Hash32, PeerConnection> ByKey { get; }
    }
}

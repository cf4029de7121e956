using GovChain.Core.Hashing;
using GovChain.Grpc.Server;
using GovChain.Node.Network;
using GovChain.Protocol;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Peers;

/// <summary>
/// The server side of <c>govchain.v1.Peer</c>: authenticates dialling departments (see
/// PeerService.Connect.cs) and serves their gossip and block fetches, each call attributed to
/// the department of its session and checked against the TLS identity it arrives with.
/// </summary>
internal sealed partial class PeerService : Peer.PeerBase
{
    private readonly PeerDirectory _directory;
    private readonly IPeerHandler _handler;
    private readonly GrpcPeerNetworkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // Never disposed: no wait handle is ever taken from it, and a call may still arrive during shutdown.
    private readonly SemaphoreSlim _handshakeSlots;
    private readonly Lock _sessionsLock = new();
    private readonly Dictionary<Hash32, PeerSession> _sessionsById = [];
    private readonly Dictionary<string, PeerSession> _sessionsByDepartment = new(StringComparer.Ordinal);
    private volatile bool _closed;

    public PeerService(PeerDirectory directory, IPeerHandler handler, GrpcPeerNetworkOptions options, TimeProvider time, ILogger logger)
    {
        _directory = directory;
        _handler = handler;
        _options = options;
        _time = time;
        _logger = logger;
        _handshakeSlots = new SemaphoreSlim(options.MaxPendingHandshakes, options.MaxPendingHandshakes);
    }

    /// <summary>Ends the inbound session of a department, if any (on a misbehaviour report).</summary>
    public void CloseSession(string departmentId, StatusCode code, string reason)
    {
        PeerSession? session;
        lock (_sessionsLock)
        {
            _sessionsByDepartment.TryGetValue(departmentId, out session);
        }

        session?.Close(code, reason);
    }

    /// <summary>Ends every session and refuses new ones (the node is shutting down).</summary>
    public void CloseAll()
    {
        _closed = true;
        PeerSession[] sessions;
        lock (_sessionsLock)
        {
            sessions = [.. _sessionsById.Values];
        }

        foreach (var session in sessions)
        {
            session.Close(StatusCode.Unavailable, "the node is shutting down");
        }
    }

    public override Task<GossipResponse> Gossip(GossipRequest request, ServerCallContext context)
    {
        var session = Authenticate(context, PeerMethods.GossipMethod);
        var count = request.Transactions.Count;
        if (count > _options.MaxGossipBatchTransactions)
        {
            throw RefuseCall(context, PeerMethods.GossipMethod, StatusCode.ResourceExhausted,
                $"a gossip batch holds at most {_options.MaxGossipBatchTransactions} transactions, got {count}");
        }

        if (!session.TryEnterGossip(_options.MaxConcurrentGossipCallsPerPeer))
        {
            throw RefuseCall(context, PeerMethods.GossipMethod, StatusCode.ResourceExhausted,
                $"at most {_options.MaxConcurrentGossipCallsPerPeer} gossip calls at once per peer");
        }

        try
        {
            var results = CallHandler("gossip", session, () => _handler.OnTransactions(session.Peer.Identity.ValidatorKey, request.Transactions));
            var response = new GossipResponse();
            foreach (var result in results)
            {
                response.Results.Add(GossipAdmissions.ToWire(result));
            }

            return Task.FromResult(response);
        }
        finally
        {
            session.ExitGossip();
        }
    }

    public override async Task FetchBlocks(FetchBlocksRequest request, IServerStreamWriter<CertifiedBlock> responses, ServerCallContext context)
    {
        var session = Authenticate(context, PeerMethods.FetchBlocksMethod);
        var from = request.FromHeight;
        if (from == 0 || request.ToHeight < from)
        {
            throw RpcErrors.Of(StatusCode.InvalidArgument, $"heights {from}..{request.ToHeight} are not a range of committed heights (from 1, ascending)");
        }

        var last = Math.Min(request.ToHeight, from + (ulong)_options.MaxBlocksPerFetch - 1);
        if (!session.TryEnterFetch(_options.MaxConcurrentFetchesPerPeer))
        {
            throw RefuseCall(context, PeerMethods.FetchBlocksMethod, StatusCode.ResourceExhausted,
                $"at most {_options.MaxConcurrentFetchesPerPeer} block fetches at once per peer");
        }

        try
        {
            using var blocks = CallHandler("block fetch", session, () => _handler.ReadBlocks(from, last).GetEnumerator());
            using var token = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, session.Token);
            var sent = 0;

            // The handler promises a bounded count; the bound is kept here whatever it yields.
            while (sent < _options.MaxBlocksPerFetch && CallHandler("block fetch", session, blocks.MoveNext))
            {
                await responses.WriteAsync(blocks.Current, token.Token).ConfigureAwait(false);
                sent++;
            }

            PeerMetrics.BlocksServed.Add(sent);
        }
        finally
        {
            session.ExitFetch();
        }
    }

    /// <summary>The live session a Gossip or FetchBlocks call names, arriving with the same TLS identity as its Connect.</summary>
    private PeerSession Authenticate(ServerCallContext context, string method)
    {
        var certificateHash = CheckTransport(context, method, "?");
        var id = context.RequestHeaders.GetValueBytes(PeerMethods.SessionHeader);
        if (id is null || id.Length != Hash32.Size)
        {
            throw RefuseCall(context, method, StatusCode.Unauthenticated, "no peer session id: open Connect first");
        }

        PeerSession? session;
        lock (_sessionsLock)
        {
            _sessionsById.TryGetValue(new Hash32(id), out session);
        }

        if (session is null || session.Token.IsCancellationRequested)
        {
            throw RefuseCall(context, method, StatusCode.Unauthenticated, "unknown or closed peer session");
        }

        if (session.CertificateHash != certificateHash)
        {
            throw RefuseCall(context, method, StatusCode.PermissionDenied, "the session was opened with another TLS identity");
        }

        return session;
    }

    /// <summary>
    /// Checks the transport a call came over and returns the SHA-256 of its client certificate
    /// (zero in plaintext): plaintext only from loopback, TLS only with a client certificate.
    /// </summary>
    private Hash32 CheckTransport(ServerCallContext context, string method, string claimed)
    {
        if (!_directory.Transport.IsTls)
        {
            if (context.RemoteIpAddress() is not { } remote || !System.Net.IPAddress.IsLoopback(remote))
            {
                throw Refuse(context, claimed, StatusCode.PermissionDenied, $"plaintext {method} is accepted from loopback only");
            }

            return Hash32.Zero;
        }

        var certificate = context.ClientCertificate()
            ?? throw Refuse(context, claimed, StatusCode.Unauthenticated, "no TLS client certificate: peers connect with mutual TLS");
        return PeerIdentity.HashCertificate(certificate.RawDataMemory.Span);
    }

    private T CallHandler<T>(string what, PeerSession session, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            PeerLog.HandlerFailed(_logger, what, session.Peer.Identity.DepartmentId, ex);
            throw RpcErrors.Of(StatusCode.Internal, $"the node failed to handle the {what}");
        }
    }

    private RpcException Refuse(ServerCallContext context, string claimed, StatusCode code, string reason)
    {
        PeerMetrics.Refused(code);
        PeerLog.Refused(_logger, context.Peer, claimed, code, reason);
        return RpcErrors.Of(code, reason);
    }

    private RpcException RefuseCall(ServerCallContext context, string method, StatusCode code, string reason)
    {
        PeerLog.CallRefused(_logger, method, context.Peer, code, reason);
        return RpcErrors.Of(code, reason);
    }
}

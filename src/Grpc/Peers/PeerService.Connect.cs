using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Grpc.Server;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Grpc.Peers;

/// <summary>The Connect call: the handshake that admits a department, then its session.</summary>
internal sealed partial class PeerService : Peer.PeerBase
{
    private const int MaxLoggedIdLength = 64;

    public override async Task Connect(
        IAsyncStreamReader<PeerClientFrame> requests, IServerStreamWriter<PeerServerFrame> responses, ServerCallContext context)
    {
        if (_closed)
        {
            throw RpcErrors.Of(StatusCode.Unavailable, "the node is shutting down");
        }

        var certificateHash = CheckTransport(context, PeerMethods.ConnectMethod, "?");
        if (!_handshakeSlots.Wait(0))
        {
            throw Refuse(context, "?", StatusCode.ResourceExhausted, "too many peer handshakes in progress; retry later");
        }

        PeerSession session;
        try
        {
            session = await HandshakeAsync(requests, responses, context, certificateHash).ConfigureAwait(false);
        }
        finally
        {
            _handshakeSlots.Release();
        }

        try
        {
            await RunSessionAsync(session, requests, responses, context).ConfigureAwait(false);
        }
        finally
        {
            Unregister(session);
            session.Dispose();
        }
    }

    private async Task<PeerSession> HandshakeAsync(
        IAsyncStreamReader<PeerClientFrame> requests, IAsyncStreamWriter<PeerServerFrame> responses, ServerCallContext context, Hash32 certificateHash)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.CancellationToken);
        var token = linked.Token;
        var claimed = "?";
        try
        {
            var hello = await ReadAsync(requests, PeerClientFrame.KindOneofCase.Hello, context, token).ConfigureAwait(false);
            claimed = Shorten(hello.Hello.DepartmentId);
            var peer = CheckHello(hello.Hello, certificateHash, context, claimed);
            var (self, key) = _directory.Own;

            var binding = new HandshakeBinding(
                _directory.GenesisHash,
                certificateHash,
                _directory.OwnCertificateHash,
                peer.Identity.ValidatorKey,
                self.ValidatorKey,
                new Hash32(hello.Hello.Nonce.Span),
                HandshakeTranscript.NewNonce());
            var challenge = new PeerChallenge
            {
                DepartmentId = self.DepartmentId,
                ValidatorKey = ByteString.CopyFrom(self.ValidatorKeyBytes),
                Nonce = ByteString.CopyFrom(binding.ListenerNonce.ToArray()),
                Height = _handler.Height,
                Signature = ByteString.CopyFrom(HandshakeTranscript.Sign(key, HandshakeRole.Listener, binding)),
            };
            await responses.WriteAsync(new PeerServerFrame { Challenge = challenge }, token).ConfigureAwait(false);

            var proof = await ReadAsync(requests, PeerClientFrame.KindOneofCase.Proof, context, token).ConfigureAwait(false);
            if (!HandshakeTranscript.Verify(HandshakeRole.Dialler, binding, proof.Proof.Signature.Span))
            {
                throw Refuse(context, claimed, StatusCode.Unauthenticated,
                    $"the handshake signature does not verify with the validator key of '{claimed}'");
            }

            var session = new PeerSession(peer, HandshakeTranscript.NewNonce(), certificateHash, context.CancellationToken);
            Register(session);
            await responses.WriteAsync(new PeerServerFrame
            {
                Accepted = new PeerAccepted { SessionId = ByteString.CopyFrom(session.Id.ToArray()) },
            }, token).ConfigureAwait(false);

            peer.ReportHeight(hello.Hello.Height);
            ReportHeight(peer, hello.Hello.Height);
            return session;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw Refuse(context, claimed, StatusCode.DeadlineExceeded, $"the handshake did not finish within {_options.HandshakeTimeout.TotalMilliseconds} ms");
        }
    }

    /// <summary>Who the dialler claims to be must match the committed membership exactly: chain, department, validator key and TLS certificate.</summary>
    private PeerState CheckHello(PeerHello hello, Hash32 certificateHash, ServerCallContext context, string claimed)
    {
        if (hello.ProtocolVersion != HandshakeTranscript.Version)
        {
            throw Refuse(context, claimed, StatusCode.FailedPrecondition,
                $"handshake version {hello.ProtocolVersion} is not supported; this node speaks {HandshakeTranscript.Version}");
        }

        if (hello.GenesisHash.Length != Hash32.Size || hello.Nonce.Length != Hash32.Size || hello.ValidatorKey.Length != Hash32.Size)
        {
            throw Refuse(context, claimed, StatusCode.InvalidArgument, "genesis hash, validator key and nonce must be 32 bytes each");
        }

        if (new Hash32(hello.GenesisHash.Span) != _directory.GenesisHash)
        {
            throw Refuse(context, claimed, StatusCode.PermissionDenied,
                $"the peer belongs to another chain (genesis {Hex.Encode(hello.GenesisHash.Span)}, ours {_directory.GenesisHash})");
        }

        if (hello.DepartmentId == _directory.Self.DepartmentId)
        {
            throw Refuse(context, claimed, StatusCode.PermissionDenied,
                $"'{claimed}' is this node's own department: a node dialled itself, or two nodes share one identity");
        }

        var peer = _directory.Find(hello.DepartmentId);
        if (peer is null)
        {
            throw Refuse(context, claimed, StatusCode.PermissionDenied, $"'{claimed}' is not a department of this chain at height {_directory.Height}");
        }

        if (new Hash32(hello.ValidatorKey.Span) != peer.Identity.ValidatorKey)
        {
            throw Refuse(context, claimed, StatusCode.PermissionDenied, $"the validator key is not the one the chain lists for '{claimed}' at height {_directory.Height}");
        }

        if (_directory.Transport.IsTls && !peer.Identity.Accepts(certificateHash))
        {
            throw Refuse(context, claimed, StatusCode.PermissionDenied, $"the TLS client certificate is not the one the chain lists for '{claimed}' at height {_directory.Height}");
        }

        var banned = peer.BanRemaining(_time.GetUtcNow());
        if (banned > TimeSpan.Zero)
        {
            throw Refuse(context, claimed, StatusCode.PermissionDenied,
                $"'{claimed}' is disconnected for misbehaviour for another {(long)banned.TotalMilliseconds} ms");
        }

        return peer;
    }

    private async Task RunSessionAsync(
        PeerSession session, IAsyncStreamReader<PeerClientFrame> requests, IAsyncStreamWriter<PeerServerFrame> responses, ServerCallContext context)
    {
        var department = session.Peer.Identity.DepartmentId;
        var from = session.Peer.Identity.ValidatorKey;
        PeerLog.SessionOpened(_logger, department, "inbound");
        var status = SendStatusAsync(session, responses);
        var reason = "the peer ended the call";
        try
        {
            while (await requests.MoveNext(session.Token).ConfigureAwait(false))
            {
                var frame = requests.Current;
                switch (frame.KindCase)
                {
                    case PeerClientFrame.KindOneofCase.Consensus when frame.Consensus.KindCase != ConsensusMessage.KindOneofCase.None:
                        PeerMetrics.MessagesReceived.Add(1);
                        Deliver(from, department, frame.Consensus);
                        break;
                    case PeerClientFrame.KindOneofCase.Consensus:
                        PeerLog.EmptyMessage(_logger, department);
                        break;
                    case PeerClientFrame.KindOneofCase.Status:
                        session.Peer.ReportHeight(frame.Status.Height);
                        ReportHeight(session.Peer, frame.Status.Height);
                        break;
                    default:
                        reason = $"protocol violation: a {frame.KindCase} frame in an open session";
                        throw RpcErrors.Of(StatusCode.InvalidArgument, reason);
                }
            }
        }
        catch (OperationCanceledException) when (session.Token.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            reason = session.CloseReason;
            throw RpcErrors.Of(session.CloseCode, reason);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            reason = "the call was cancelled or broken";
            throw;
        }
        catch (RpcException ex)
        {
            reason = ex.Status.Detail;
            throw;
        }
        finally
        {
            session.Close(StatusCode.Aborted, reason);
            await status.ConfigureAwait(false);
            PeerLog.SessionClosed(_logger, department, "inbound", reason);
        }
    }

    /// <summary>Reports this node's height down the stream when it changes, and at least every keep-alive.</summary>
    private async Task SendStatusAsync(PeerSession session, IAsyncStreamWriter<PeerServerFrame> responses)
    {
        using var timer = new PeriodicTimer(_options.StatusInterval, _time);
        var last = ulong.MaxValue;
        var lastSent = _time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(session.Token).ConfigureAwait(false))
            {
                var height = _handler.Height;
                if (height == last && _time.GetElapsedTime(lastSent) < _options.StatusKeepAlive)
                {
                    continue;
                }

                await responses.WriteAsync(new PeerServerFrame { Status = new PeerStatus { Height = height } }, session.Token).ConfigureAwait(false);
                last = height;
                lastSent = _time.GetTimestamp();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            session.Close(StatusCode.Aborted, "the status stream ended");
        }
    }

    private async Task<PeerClientFrame> ReadAsync(
        IAsyncStreamReader<PeerClientFrame> requests, PeerClientFrame.KindOneofCase expected, ServerCallContext context, CancellationToken token)
    {
        if (!await requests.MoveNext(token).ConfigureAwait(false))
        {
            throw Refuse(context, "?", StatusCode.InvalidArgument, $"the stream ended before the handshake's {expected}");
        }

        var frame = requests.Current;
        if (frame.KindCase != expected)
        {
            throw Refuse(context, "?", StatusCode.InvalidArgument, $"expected a {expected} frame in the handshake, got {frame.KindCase}");
        }

        return frame;
    }

    /// <summary>Hands a message to the node; a failing handler is the node's bug, logged, and never ends the session.</summary>
    private void Deliver(Hash32 from, string department, ConsensusMessage message)
    {
        try
        {
            _handler.OnConsensusMessage(from, message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PeerLog.HandlerFailed(_logger, "a consensus message", department, ex);
        }
    }

    private void ReportHeight(PeerState peer, ulong height)
    {
        try
        {
            _handler.OnPeerHeight(peer.Identity.ValidatorKey, height);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PeerLog.HandlerFailed(_logger, "a height report", peer.Identity.DepartmentId, ex);
        }
    }

    private void Register(PeerSession session)
    {
        PeerSession? replaced;
        lock (_sessionsLock)
        {
            var department = session.Peer.Identity.DepartmentId;
            _sessionsByDepartment.TryGetValue(department, out replaced);
            _sessionsByDepartment[department] = session;
            _sessionsById[session.Id] = session;
        }

        // A restarted peer dials again while its old call may linger half-open: the newest session wins.
        replaced?.Close(StatusCode.Aborted, "replaced by a newer session of the same department");
        if (_closed)
        {
            session.Close(StatusCode.Unavailable, "the node is shutting down");
        }
    }

    private void Unregister(PeerSession session)
    {
        lock (_sessionsLock)
        {
            _sessionsById.Remove(session.Id);
            var department = session.Peer.Identity.DepartmentId;
            if (_sessionsByDepartment.TryGetValue(department, out var current) && ReferenceEquals(current, session))
            {
                _sessionsByDepartment.Remove(department);
            }
        }
    }

    private static string Shorten(string departmentId) =>
        departmentId.Length <= MaxLoggedIdLength ? departmentId : string.Concat(departmentId.AsSpan(0, MaxLoggedIdLength), "…");
}

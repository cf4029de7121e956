using System.Threading.Channels;
using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Node.Network;
using GovChain.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Peers;

/// <summary>
/// This node's outbound side towards one peer: one reused channel, a bounded queue of
/// consensus messages, and a loop that dials, authenticates, pumps the queue and redials with
/// capped exponential back-off whenever the session ends (a peer restart, a network fault).
/// Gossip batching lives in PeerConnection.Gossip.cs.
/// </summary>
internal sealed partial class PeerConnection : IAsyncDisposable
{
    private readonly PeerDirectory _directory;
    private readonly IPeerHandler _handler;
    private readonly GrpcPeerNetworkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ConsensusMessage> _outbox;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sessionLock = new();
    private CancellationTokenSource? _session;
    private Metadata? _sessionMetadata;
    private Task _run = Task.CompletedTask;
    private Task _gossip = Task.CompletedTask;
    private readonly System.Runtime.CompilerServices.StrongBox<Hash32> _presented = new(Hash32.Zero);
    private int _sessionsOpened;
    private bool _handshaken;

    public PeerConnection(PeerState peer, PeerDirectory directory, IPeerHandler handler, GrpcPeerNetworkOptions options, TimeProvider time, ILogger logger)
    {
        Peer = peer;
        _directory = directory;
        _handler = handler;
        _options = options;
        _time = time;
        _logger = logger;
        _outbox = System.Threading.Channels.Channel.CreateBounded<ConsensusMessage>(
            new BoundedChannelOptions(options.MaxQueuedConsensusMessages)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            },
            static _ => PeerMetrics.Dropped("queue_full"));
        _gossipQueue = System.Threading.Channels.Channel.CreateBounded<SignedTransaction>(
            new BoundedChannelOptions(options.MaxQueuedGossipTransactions)
            {
                FullMode = BoundedChannelFullMode.DropWrite,
                SingleReader = true,
            },
            static _ => PeerMetrics.GossipDropped.Add(1));

        Channel = PeerChannels.Create(directory.AddressOf(peer.Identity), directory.Transport.Certificate, peer.Identity, directory.Transport.IsTls, _presented, options.MaxMessageBytes);
        Client = new GovChain.Protocol.Peer.PeerClient(Channel);
    }

    public PeerState Peer { get; }

    public GrpcChannel Channel { get; }

    public GovChain.Protocol.Peer.PeerClient Client { get; }

    /// <summary>The session id metadata for Gossip and FetchBlocks, while a session is open; else null.</summary>
    public Metadata? SessionMetadata => Volatile.Read(ref _sessionMetadata);

    public void Start()
    {
        _run = Task.Run(() => RunAsync(_stop.Token));
        _gossip = Task.Run(() => GossipLoopAsync(_stop.Token));
    }

    /// <summary>Queues a message for the peer without waiting; false (and dropped) when it is not connected.</summary>
    public bool Enqueue(ConsensusMessage message)
    {
        if (!Peer.Connected)
        {
            PeerMetrics.Dropped("not_connected");
            return false;
        }

        return _outbox.Writer.TryWrite(message);
    }

    /// <summary>Ends the current session, if any; the loop redials (after any ban).</summary>
    public void Disconnect()
    {
        lock (_sessionLock)
        {
            _session?.Cancel();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _outbox.Writer.TryComplete();
        _gossipQueue.Writer.TryComplete();
        await Task.WhenAll(_run, _gossip).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Channel.Dispose();
        _stop.Dispose();
        _writeLock.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var delay = _options.ReconnectInitialDelay;
        var identity = Peer.Identity;
        while (!stop.IsCancellationRequested)
        {
            var ban = Peer.BanRemaining(_time.GetUtcNow());
            if (ban > TimeSpan.Zero && !await DelayAsync(ban, stop).ConfigureAwait(false))
            {
                return;
            }

            using var session = CancellationTokenSource.CreateLinkedTokenSource(stop);
            lock (_sessionLock)
            {
                _session = session;
            }

            _handshaken = false;
            var reason = "ended";
            try
            {
                await RunSessionAsync(session.Token).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.FailedPrecondition)
            {
                reason = ex.Status.Detail;
                PeerLog.DialRefused(_logger, identity.DepartmentId, identity.Endpoint, $"{ex.StatusCode}: {reason}");
            }
            catch (HandshakeFailedException ex)
            {
                reason = ex.Message;
                PeerLog.DialRefused(_logger, identity.DepartmentId, identity.Endpoint, reason);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                // Whatever broke this session, the loop must live on and redial: a dead loop would silently lose the peer.
                reason = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.GetType().Name;
                PeerLog.DialFailed(_logger, identity.DepartmentId, identity.Endpoint, ex is RpcException r ? r.StatusCode : StatusCode.Unavailable, (long)delay.TotalMilliseconds);
            }
            finally
            {
                Peer.Connected = false;
                Volatile.Write(ref _sessionMetadata, null);
                lock (_sessionLock)
                {
                    _session = null;
                }
            }

            if (_handshaken)
            {
                PeerLog.SessionClosed(_logger, identity.DepartmentId, "outbound", reason);
                delay = _options.ReconnectInitialDelay;
            }

            // Jitter keeps restarted nodes from redialling in lock step.
            var jittered = delay * (0.75 + (Random.Shared.NextDouble() * 0.5));
            if (!await DelayAsync(jittered, stop).ConfigureAwait(false))
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
        }
    }

    /// <summary>One session: handshake, then pump until something ends it.</summary>
    private async Task RunSessionAsync(CancellationToken token)
    {
        using var call = Client.Connect(cancellationToken: token);
        var sessionId = await HandshakeAsync(call, token).ConfigureAwait(false);

        Volatile.Write(ref _sessionMetadata, new Metadata { { PeerMethods.SessionHeader, sessionId } });
        Peer.Connected = true;
        if (Peer.BanRemaining(_time.GetUtcNow()) > TimeSpan.Zero)
        {
            // Banned while the handshake was in flight: the session must not carry a single message.
            Peer.Connected = false;
            return;
        }

        _handshaken = true;
        if (Interlocked.Increment(ref _sessionsOpened) > 1)
        {
            PeerMetrics.Reconnects.Add(1);
        }

        PeerLog.SessionOpened(_logger, Peer.Identity.DepartmentId, "outbound");
        using var pump = CancellationTokenSource.CreateLinkedTokenSource(token);
        var writer = PumpOutboxAsync(call.RequestStream, pump.Token);
        var status = SendStatusAsync(call.RequestStream, pump.Token);
        var reader = ReadServerFramesAsync(call.ResponseStream, pump.Token);
        var first = await Task.WhenAny(writer, status, reader).ConfigureAwait(false);
        await pump.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(writer, status, reader).ConfigureAwait(false);
        }
        catch (Exception) when (!first.IsFaulted)
        {
            // The first task to end explains why; the others were only cancelled after it.
        }

        await first.ConfigureAwait(false);
    }

    private async Task<byte[]> HandshakeAsync(AsyncDuplexStreamingCall<PeerClientFrame, PeerServerFrame> call, CancellationToken token)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, token);
        var identity = Peer.Identity;
        var (self, key) = _directory.Own;
        var nonce = HandshakeTranscript.NewNonce();
        await call.RequestStream.WriteAsync(new PeerClientFrame
        {
            Hello = new PeerHello
            {
                ProtocolVersion = HandshakeTranscript.Version,
                GenesisHash = ByteString.CopyFrom(_directory.GenesisHash.ToArray()),
                DepartmentId = self.DepartmentId,
                ValidatorKey = ByteString.CopyFrom(self.ValidatorKeyBytes),
                Nonce = ByteString.CopyFrom(nonce.ToArray()),
                Height = _handler.Height,
            },
        }, linked.Token).ConfigureAwait(false);

        var challenge = (await ReadAsync(call, PeerServerFrame.KindOneofCase.Challenge, linked.Token).ConfigureAwait(false)).Challenge;
        if (challenge.DepartmentId != identity.DepartmentId
            || !challenge.ValidatorKey.Span.SequenceEqual(identity.ValidatorKeyBytes)
            || challenge.Nonce.Length != Hash32.Size)
        {
            throw new HandshakeFailedException($"the node at {identity.Endpoint} did not identify as '{identity.DepartmentId}' with the validator key the chain lists for it");
        }

        var binding = new HandshakeBinding(
            _directory.GenesisHash,
            _directory.OwnCertificateHash,
            _directory.Transport.IsTls ? _presented.Value : Hash32.Zero,
            self.ValidatorKey,
            identity.ValidatorKey,
            nonce,
            new Hash32(challenge.Nonce.Span));
        if (!HandshakeTranscript.Verify(HandshakeRole.Listener, binding, challenge.Signature.Span))
        {
            throw new HandshakeFailedException($"the handshake signature of '{identity.DepartmentId}' does not verify with the validator key the chain lists for it");
        }

        await call.RequestStream.WriteAsync(new PeerClientFrame
        {
            Proof = new PeerProof { Signature = ByteString.CopyFrom(HandshakeTranscript.Sign(key, HandshakeRole.Dialler, binding)) },
        }, linked.Token).ConfigureAwait(false);

        var accepted = (await ReadAsync(call, PeerServerFrame.KindOneofCase.Accepted, linked.Token).ConfigureAwait(false)).Accepted;
        if (accepted.SessionId.Length != Hash32.Size)
        {
            throw new HandshakeFailedException($"'{identity.DepartmentId}' sent a malformed session id");
        }

        ReportHeight(challenge.Height);
        return accepted.SessionId.ToByteArray();
    }

    private async Task PumpOutboxAsync(IClientStreamWriter<PeerClientFrame> requests, CancellationToken token)
    {
        var reader = _outbox.Reader;
        while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                await WriteAsync(requests, new PeerClientFrame { Consensus = message }, token).ConfigureAwait(false);
                PeerMetrics.MessagesSent.Add(1);
            }
        }
    }

    private async Task SendStatusAsync(IClientStreamWriter<PeerClientFrame> requests, CancellationToken token)
    {
        using var timer = new PeriodicTimer(_options.StatusInterval, _time);
        var last = ulong.MaxValue;
        var lastSent = _time.GetTimestamp();
        while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
        {
            var height = _handler.Height;
            if (height == last && _time.GetElapsedTime(lastSent) < _options.StatusKeepAlive)
            {
                continue;
            }

            await WriteAsync(requests, new PeerClientFrame { Status = new PeerStatus { Height = height } }, token).ConfigureAwait(false);
            last = height;
            lastSent = _time.GetTimestamp();
        }
    }

    private async Task ReadServerFramesAsync(IAsyncStreamReader<PeerServerFrame> responses, CancellationToken token)
    {
        while (await responses.MoveNext(token).ConfigureAwait(false))
        {
            var frame = responses.Current;
            if (frame.KindCase != PeerServerFrame.KindOneofCase.Status)
            {
                throw new HandshakeFailedException($"'{Peer.Identity.DepartmentId}' sent a {frame.KindCase} frame in an open session");
            }

            ReportHeight(frame.Status.Height);
        }
    }

    private async Task WriteAsync(IClientStreamWriter<PeerClientFrame> requests, PeerClientFrame frame, CancellationToken token)
    {
        await _writeLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await requests.WriteAsync(frame, token).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task<PeerServerFrame> ReadAsync(
        AsyncDuplexStreamingCall<PeerClientFrame, PeerServerFrame> call, PeerServerFrame.KindOneofCase expected, CancellationToken token)
    {
        if (!await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
        {
            throw new HandshakeFailedException($"the peer ended the call before its {expected}");
        }

        var frame = call.ResponseStream.Current;
        return frame.KindCase == expected
            ? frame
            : throw new HandshakeFailedException($"expected a {expected} frame in the handshake, got {frame.KindCase}");
    }

    internal void ReportHeight(ulong height)
    {
        Peer.ReportHeight(height);
        try
        {
            _handler.OnPeerHeight(Peer.Identity.ValidatorKey, height);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PeerLog.HandlerFailed(_logger, "a height report", Peer.Identity.DepartmentId, ex);
        }
    }

    /// <returns>False when <paramref name="stop"/> fired first.</returns>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>The peer answered, but not as the department genesis describes.</summary>
internal sealed class HandshakeFailedException(string message) : Exception(message);

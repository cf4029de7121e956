using GovChain.Core.Hashing;
using Grpc.Core;

namespace GovChain.Grpc.Peers;

/// <summary>
/// An authenticated inbound Connect: which department it is, which TLS identity it came
/// with, and the count of its other calls (bounded per peer). Closing it ends the Connect call.
/// </summary>
internal sealed class PeerSession : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private int _fetches;
    private int _gossipCalls;
    private volatile string? _closeReason;

    public PeerSession(PeerState peer, Hash32 id, Hash32 certificateHash, CancellationToken callToken)
    {
        Peer = peer;
        Id = id;
        CertificateHash = certificateHash;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        Token = _cts.Token;
    }

    public PeerState Peer { get; }

    public Hash32 Id { get; }

    /// <summary>SHA-256 of the client certificate the session was opened with; zero in plaintext mode.</summary>
    public Hash32 CertificateHash { get; }

    /// <summary>Fires when the session is closed (replaced, banned, or its call ended).</summary>
    public CancellationToken Token { get; }

    public string CloseReason => _closeReason ?? "closed";

    public StatusCode CloseCode { get; private set; } = StatusCode.Aborted;

    public void Close(StatusCode code, string reason)
    {
        if (_closeReason is null)
        {
            CloseCode = code;
            _closeReason = reason;
        }

        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
    }

    public bool TryEnterFetch(int max) => TryEnter(ref _fetches, max);

    public void ExitFetch() => Interlocked.Decrement(ref _fetches);

    public bool TryEnterGossip(int max) => TryEnter(ref _gossipCalls, max);

    public void ExitGossip() => Interlocked.Decrement(ref _gossipCalls);

    public void Dispose() => _cts.Dispose();

    private static bool TryEnter(ref int counter, int max)
    {
        if (Interlocked.Increment(ref counter) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref counter);
        return false;
    }
}

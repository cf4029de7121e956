

namespace GovChain.Grpc.Peers;

/// <summary>
/// What this node knows of one other department right now, shared by the outbound connection
/// and inbound sessions: its reported height, whether we can send to it, and any ban.
/// </summary>
internal sealed class PeerState
{
    private long _height;
    private int _connected;
    private long _bannedUntilUtcTicks;

    public PeerState(PeerIdentity identity) => Identity = identity;

    public PeerIdentity Identity { get; }

    public ulong Height => (ulong)Volatile.Read(ref _height);

    /// <summary>True while the outbound session to the peer is open (messages can be sent).</summary>
    public bool Connected
    {
        get => Volatile.Read(ref _connected) == 1;
        // A full fence: a ban written on another thread must be seen by the check that follows a connect.
        set => Interlocked.Exchange(ref _connected, value ? 1 : 0);
    }

    /// <summary>Records a height the peer reported; its latest report wins (a wiped peer reports lower).</summary>
    public void ReportHeight(ulong height) => Volatile.Write(ref _height, (long)height);

    /// <summary>Raises the known height when the peer proved it has blocks up to <paramref name="height"/>.</summary>
    public void RaiseHeight(ulong height)
    {
        var current = Volatile.Read(ref _height);
        while ((ulong)current < height)
        {
            var seen = Interlocked.CompareExchange(ref _height, (long)height, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public void Ban(DateTimeOffset until) => Interlocked.Exchange(ref _bannedUntilUtcTicks, until.UtcTicks);

    /// <summary>How long the peer stays banned from <paramref name="now"/>; zero when it is not.</summary>
    public TimeSpan BanRemaining(DateTimeOffset now)
    {
        var remaining = Volatile.Read(ref _bannedUntilUtcTicks) - now.UtcTicks;
        return remaining > 0 ? TimeSpan.FromTicks(remaining) : TimeSpan.Zero;
    }
}

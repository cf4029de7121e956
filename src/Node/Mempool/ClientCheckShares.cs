using System.Net;

namespace GovChain.Node.Mempool;

/// <summary>
/// The signature checks of client submissions, shared between client addresses: each address
/// gets a rate of checks (a token bucket) and a bound on checks in progress at once (its
/// backlog). A submission beyond either is refused before its check, so no address can turn
/// the node's cores into its verifier while another's submissions wait. Each check runs on the
/// submitting call's own thread once its place is taken, so there is no common queue in which
/// one address's backlog could stand before another's. Time only sets the rate, never what a
/// block holds.
/// </summary>
// Every member is called under the pool's gate.
internal sealed class ClientCheckShares(MempoolOptions options, TimeProvider time)
{
    /// <summary>Addresses tracked before idle ones (full bucket, nothing in progress) are forgotten.</summary>
    private const int MaxTrackedClients = 4096;

    private readonly Dictionary<IPAddress, Share> _shares = [];

    /// <summary>Takes one check of <paramref name="client"/>'s share, or says why not and when to retry.</summary>
    public bool TryTake(IPAddress client, out string reason, out int retryAfterMs)
    {
        var share = ShareOf(client);
        Refill(share);
        if (share.InProgress >= options.MaxChecksInProgressPerClient)
        {
            reason = $"client {client} already has {share.InProgress} transactions being verified, its share; retry when they are answered";
            retryAfterMs = 10;
            return false;
        }

        if (share.Tokens < 1)
        {
            var rate = options.SignatureChecksPerSecondPerClient;
            reason = $"client {client} has used its share of signature checks ({rate} a second); retry shortly";
            retryAfterMs = (int)Math.Clamp(Math.Ceiling((1 - share.Tokens) * 1000 / rate), 10, 5000);
            return false;
        }

        share.Tokens--;
        share.InProgress++;
        reason = string.Empty;
        retryAfterMs = 0;
        return true;
    }

    /// <summary>A check taken by <see cref="TryTake"/> is done (whatever its outcome).</summary>
    public void Done(IPAddress client)
    {
        if (_shares.TryGetValue(client, out var share) && share.InProgress > 0)
        {
            share.InProgress--;
        }
    }

    private Share ShareOf(IPAddress client)
    {
        if (_shares.TryGetValue(client, out var share))
        {
            return share;
        }

        if (_shares.Count >= MaxTrackedClients)
        {
            ForgetIdle();
        }

        share = new Share { Tokens = options.SignatureCheckBurstPerClient, At = time.GetTimestamp() };
        _shares.Add(client, share);
        return share;
    }

    private void Refill(Share share)
    {
        var now = time.GetTimestamp();
        var earned = options.SignatureChecksPerSecondPerClient * (now - share.At) / (double)time.TimestampFrequency;
        share.Tokens = Math.Min(options.SignatureCheckBurstPerClient, share.Tokens + earned);
        share.At = now;
    }

    /// <summary>Forgets the addresses a fresh share would give nothing more than they hold: many addresses cost no lasting memory.</summary>
    private void ForgetIdle()
    {
        List<IPAddress>? idle = null;
        foreach (var (address, share) in _shares)
        {
            Refill(share);
            if (share.InProgress == 0 && share.Tokens >= options.SignatureCheckBurstPerClient)
            {
                (idle ??= []).Add(address);
            }
        }

        idle?.ForEach(a => _shares.Remove(a));
    }

    private sealed class Share
    {
        public double Tokens { get; set; }

        public long At { get; set; }

        public int InProgress { get; set; }
    }
}

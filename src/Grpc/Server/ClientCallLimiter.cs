using System.Net;
using System.Threading.RateLimiting;
using Grpc.Core;

namespace GovChain.Grpc.Server;

/// <summary>
/// The per-address shares of <see cref="ClientLimits"/>: a token bucket of call starts and a
/// count of calls in progress for each remote address, and a count of its connections.
/// Partitions of addresses gone quiet are dropped by the rate-limiting library itself, so a
/// stream of distinct addresses costs no lasting memory.
/// </summary>
internal sealed class ClientCallLimiter : IDisposable
{
    /// <summary>Trailer naming which per-client limit refused a call, for programs that branch on it.</summary>
    public const string LimitTrailer = "govchain-limit";

    private readonly ClientLimits _limits;
    private readonly PartitionedRateLimiter<IPAddress> _rate;
    private readonly PartitionedRateLimiter<IPAddress> _concurrency;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _connections = [];

    public ClientCallLimiter(ClientLimits limits)
    {
        _limits = limits;

        // Refilled ten times a second (once for rates below ten), so a client at its rate never
        // waits a whole second for tokens.
        var ticks = limits.RequestsPerSecondPerClient >= 10 ? 10 : 1;
        var perTick = limits.RequestsPerSecondPerClient / ticks;
        _rate = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.RequestBurstPerClient,
            TokensPerPeriod = perTick,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1.0 / ticks),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        _concurrency = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetConcurrencyLimiter(address, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxConcurrentCallsPerClient,
            QueueLimit = 0,
        }));
    }

    /// <summary>
    /// Takes a call slot for <paramref name="address"/>; null with a refusal when the client is
    /// over its rate or its concurrent calls. The slot is held until the lease is disposed.
    /// </summary>
    public RateLimitLease? TryStartCall(IPAddress address, out Status refusal, out string limit)
    {
        using (var rate = _rate.AttemptAcquire(address))
        {
            if (!rate.IsAcquired)
            {
                limit = "requests-per-second";
                refusal = new Status(StatusCode.ResourceExhausted, $"client {address} exceeds {_limits.RequestsPerSecondPerClient} calls per second; slow down and retry");
                return null;
            }
        }

        var slot = _concurrency.AttemptAcquire(address);
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            limit = "concurrent-calls";
            refusal = new Status(StatusCode.ResourceExhausted, $"client {address} already has {_limits.MaxConcurrentCallsPerClient} calls in progress; finish some and retry");
            return null;
        }

        refusal = Status.DefaultSuccess;
        limit = string.Empty;
        return slot;
    }

    /// <summary>Counts a new connection of <paramref name="address"/>; false when it already has its share.</summary>
    public bool TryOpenConnection(IPAddress address)
    {
        lock (_gate)
        {
            _connections.TryGetValue(address, out var open);
            if (open >= _limits.MaxConnectionsPerClient)
            {
                return false;
            }

            _connections[address] = open + 1;
            return true;
        }
    }

    public void CloseConnection(IPAddress address)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(address, out var open))
            {
                if (open <= 1)
                {
                    _connections.Remove(address);
                }
                else
                {
                    _connections[address] = open - 1;
                }
            }
        }
    }

    /// <summary>The address a client is counted under: IPv4 clients of a dual-stack socket count as themselves.</summary>
    public static IPAddress Normalize(IPAddress? address) => address switch
    {
        null => IPAddress.None,
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4(),
        _ => address,
    };

    public void Dispose()
    {
        _rate.Dispose();
        _concurrency.Dispose();
    }
}

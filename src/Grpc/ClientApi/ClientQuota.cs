using System.Net;
using Grpc.Core;

namespace GovChain.Grpc.ClientApi;

/// <summary>
/// Slots of one kind (streams, or commit waits) counted per client address and in all: a
/// client is refused beyond its own share before it can take the node's whole bound, so
/// other clients are still served. An address holding no slot costs no memory.
/// </summary>
internal sealed class ClientQuota(string limit, string what, int total, int perClient)
{
    /// <summary>Trailer naming which limit refused the call, as the RPC layer's per-client limits do.</summary>
    public const string LimitTrailer = "govchain-limit";

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _held = [];
    private int _total;

    public int Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>Takes a slot for <paramref name="client"/>, or throws RESOURCE_EXHAUSTED saying which share is used up.</summary>
    public Slot Take(IPAddress? client)
    {
        var address = Normalize(client);
        lock (_gate)
        {
            if (_total >= total)
            {
                throw Refusal($"{limit}-total", $"this node serves at most {total} {what} at once; retry later");
            }

            _held.TryGetValue(address, out var held);
            if (held >= perClient)
            {
                throw Refusal($"{limit}-per-client", $"client {address} already holds {perClient} {what}, its share; close some and retry");
            }

            _held[address] = held + 1;
            _total++;
        }

        return new Slot(this, address);
    }

    private void Release(IPAddress address)
    {
        lock (_gate)
        {
            _total--;
            if (_held.TryGetValue(address, out var held))
            {
                if (held <= 1)
                {
                    _held.Remove(address);
                }
                else
                {
                    _held[address] = held - 1;
                }
            }
        }
    }

    private static RpcException Refusal(string name, string detail) =>
        new(new Status(StatusCode.ResourceExhausted, detail), new Metadata { { LimitTrailer, name } });

    private static IPAddress Normalize(IPAddress? address) => address switch
    {
        null => IPAddress.None,
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4(),
        _ => address,
    };

    /// <summary>A held slot; disposing it gives it back (once).</summary>
    public sealed class Slot(ClientQuota owner, IPAddress address) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(address);
            }
        }
    }
}

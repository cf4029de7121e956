using System.Diagnostics.Metrics;
using Grpc.Core;

namespace GovChain.Grpc.Peers;

/// <summary>Instruments of the peer network (one static meter, like the RPC layer's).</summary>
internal static class PeerMetrics
{
    public const string MeterName = "GovChain.Node.Network";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> MessagesSent =
        Meter.CreateCounter<long>("govchain.peer.messages.sent", description: "Consensus messages written to peer streams.");

    public static readonly Counter<long> MessagesReceived =
        Meter.CreateCounter<long>("govchain.peer.messages.received", description: "Consensus messages received from authenticated peers.");

    public static readonly Counter<long> MessagesDropped =
        Meter.CreateCounter<long>("govchain.peer.messages.dropped", description: "Consensus messages dropped before sending, by reason.");

    public static readonly Counter<long> HandshakesRefused =
        Meter.CreateCounter<long>("govchain.peer.handshakes.refused", description: "Peer connections refused, by status code.");

    public static readonly Counter<long> Reconnects =
        Meter.CreateCounter<long>("govchain.peer.reconnects", description: "Outbound peer sessions opened after the first.");

    public static readonly Counter<long> GossipSent =
        Meter.CreateCounter<long>("govchain.peer.gossip.sent", description: "Transactions gossiped to peers.");

    public static readonly Counter<long> GossipDropped =
        Meter.CreateCounter<long>("govchain.peer.gossip.dropped", description: "Transactions not gossiped (queue full or call failed).");

    public static readonly Counter<long> GossipRefused =
        Meter.CreateCounter<long>("govchain.peer.gossip.refused", description: "Gossiped transactions the receiving peer did not admit.");

    public static readonly Counter<long> BlocksServed =
        Meter.CreateCounter<long>("govchain.peer.blocks.served", description: "Blocks sent to syncing peers.");

    public static readonly Counter<long> BlocksFetched =
        Meter.CreateCounter<long>("govchain.peer.blocks.fetched", description: "Blocks received from peers while syncing.");

    public static void Dropped(string reason) => MessagesDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void Refused(StatusCode code) => HandshakesRefused.Add(1, new KeyValuePair<string, object?>("code", code.ToString()));
}

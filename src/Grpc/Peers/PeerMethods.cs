

namespace GovChain.Grpc.Peers;

/// <summary>Names of <c>govchain.v1.Peer</c> (proto/govchain/v1/peer.proto) that server and dialler share beyond the generated stubs.</summary>
public static class PeerMethods
{
    public const string ServiceName = "govchain.v1.Peer";

    public const string ConnectMethod = "Connect";

    public const string GossipMethod = "Gossip";

    public const string FetchBlocksMethod = "FetchBlocks";

    /// <summary>Metadata that carries the session id of a live Connect on Gossip and FetchBlocks calls.</summary>
    public const string SessionHeader = "govchain-peer-session-bin";
}

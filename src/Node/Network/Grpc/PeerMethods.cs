using GovChain.Protocol;
using GovChain.Rpc;

namespace GovChain.Node.Network.Grpc;

/// <summary>The methods of <c>govchain.v1.Peer</c> (proto/govchain/v1/peer.proto), shared by server and client.</summary>
public static class PeerMethods
{
    public const string ServiceName = "govchain.v1.Peer";

    /// <summary>Metadata that carries the session id of a live Connect on Gossip and FetchBlocks calls.</summary>
    public const string SessionHeader = "govchain-peer-session-bin";

    public static readonly Method<PeerClientFrame, PeerServerFrame> Connect =
        Method.DuplexStreaming(ServiceName, "Connect", PeerClientFrame.Parser, PeerServerFrame.Parser);

    public static readonly Method<GossipRequest, GossipResponse> Gossip =
        Method.Unary(ServiceName, "Gossip", GossipRequest.Parser, GossipResponse.Parser);

    public static readonly Method<FetchBlocksRequest, CertifiedBlock> FetchBlocks =
        Method.ServerStreaming(ServiceName, "FetchBlocks", FetchBlocksRequest.Parser, CertifiedBlock.Parser);
}

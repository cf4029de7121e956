using Google.Protobuf;
using GovChain.Node.Hosting;
using GovChain.Protocol;

namespace GovChain.Node.Chain;

/// <summary>The node's <see cref="INodeStatusSource"/>: read from the store, the mempool, consensus and the peer network at call time.</summary>
public sealed class NodeStatusSource : INodeStatusSource
{
    private static readonly string Version =
        typeof(NodeStatusSource).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    private readonly GovChainNode _node;

    public NodeStatusSource(GovChainNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _node = node;
    }

    public NodeStatus GetStatus()
    {
        var blocks = _node.Database.Blocks;
        var height = blocks.LastHeight;
        var status = new NodeStatus
        {
            ChainId = _node.ChainId,
            DepartmentId = _node.DepartmentId,
            ValidatorKey = _node.Identity.ValidatorKey is { } key ? ByteString.CopyFrom(key.PublicKey) : ByteString.Empty,
            Height = height,
            Round = _node.Consensus.Round,
            LastBlockHash = ByteString.CopyFrom(blocks.LastBlockHash.ToArray()),
            LastBlockTimeUnixMs = height > 0 ? blocks.GetHeader(height)?.TimeUnixMs ?? 0 : _node.Identity.Genesis.Proto.GenesisTimeUnixMs,
            MempoolSize = (uint)_node.Mempool.Count,
            LastCommitLatencyMs = _node.Executor.LastCommitLatencyMs,
            CatchingUp = _node.Consensus.CatchingUp,
            Version = Version,
        };
        foreach (var peer in _node.Network.Peers)
        {
            status.Peers.Add(new PeerInfo { DepartmentId = peer.DepartmentId, Endpoint = peer.Endpoint, Connected = peer.Connected, Height = peer.Height });
        }

        var now = _node.Certificates.Now;
        foreach (var c in _node.Certificates.Current)
        {
            status.Certificates.Add(new CertificateExpiry
            {
                DepartmentId = c.DepartmentId,
                Use = c.Use,
                NotAfterUnixMs = c.NotAfter.ToUnixTimeMilliseconds(),
                DaysLeft = c.DaysLeft(now),
                Expiring = c.IsExpiringSoon(now),
                Sha256 = c.Sha256,
            });
        }

        return status;
    }
}

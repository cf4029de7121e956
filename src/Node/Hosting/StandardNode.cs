using GovChain.Node.Api;
using GovChain.Node.Configuration;
using GovChain.Node.Mempool;
using GovChain.Node.Network;
using GovChain.Node.Network.Grpc;
using GovChain.Protocol;
using GovChain.Rpc;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Hosting;

/// <summary>
/// A department's node as it runs in production and in the integration tests: the gRPC peer
/// network on its own listener (mutual TLS pinned to genesis when the node has a certificate)
/// and the client API on the main server.
/// </summary>
public static class StandardNode
{
    /// <summary>The peer network of a node: gRPC to every other genesis department, or none on a one-department chain.</summary>
    public static IPeerNetwork CreatePeerNetwork(PeerNetworkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var genesis = context.Identity.Genesis;
        if (genesis.Proto.Departments.Count == 1)
        {
            return new IsolatedPeerNetwork();
        }

        var key = context.Identity.ValidatorKey
            ?? throw new NodeConfigurationException("ValidatorKeyFile: a node joins its peers with its validator key; none is configured.");
        var transport = context.Identity.Certificate is { } certificate ? PeerTransport.MutualTls(certificate) : PeerTransport.Plaintext;
        try
        {
            // Block sync carries the largest block the rules allow with its receipts: the peer channels must too.
            var peerOptions = new GrpcPeerNetworkOptions { MaxMessageBytes = Math.Max(GovChainNode.PeerMessageBytes, CertifiedBlockBound.Bytes(genesis)) };
            return new GrpcPeerNetwork(genesis, context.Identity.Department.Id, key, context.Handler, transport, context.Time, context.LoggerFactory, peerOptions);
        }
        catch (ArgumentException ex)
        {
            throw new NodeConfigurationException($"Peers: {ex.Message}");
        }
    }

    /// <summary>Adds the client API and, when the network is gRPC, the peer service to the node's servers.</summary>
    public static void AddServices(GovChainNodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Services.Add(node => new ClientApiService(
            node.Database,
            node.Mempool,
            node.Engine,
            node.CommitFeed,
            node.Status,
            node.Identity.Genesis,
            options: node.Options.ClientApi.ToServiceOptions(),
            metrics: node.Metrics,
            logger: node.LoggerFactory.CreateLogger<ClientApiService>(),
            admit: transactions => Admit(node, transactions)).Definition);
        settings.PeerServices.Add(node => node.Network is GrpcPeerNetwork grpc ? grpc.Service : null);
    }

    // A faulted node's mempool is never proposed from: the client is told at once, as UNAVAILABLE
    // (try another node, or this one after its restart), not left waiting for a commit.
    private static AdmissionResult[] Admit(GovChainNode node, IReadOnlyList<SignedTransaction> transactions)
    {
        try
        {
            return node.SubmitTransactions(transactions);
        }
        catch (NodeFaultedException ex)
        {
            throw new RpcException(StatusCode.Unavailable, ex.Message);
        }
    }
}

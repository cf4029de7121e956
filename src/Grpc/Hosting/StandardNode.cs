using GovChain.Grpc.ClientApi;
using GovChain.Grpc.Observer;
using GovChain.Grpc.Peers;
using GovChain.Grpc.Server;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Mempool;
using GovChain.Node.Network;
using GovChain.Protocol;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Hosting;

/// <summary>
/// A department's node as it runs in production and in the integration tests: the gRPC peer
/// network on its own listener (mutual TLS pinned to genesis when the node has a certificate)
/// and the client API on the client endpoint (see <see cref="NodeServer"/>).
/// </summary>
public static class StandardNode
{
    /// <summary>The peer network of a node: gRPC to every other genesis department, or none on a one-department chain.</summary>
    public static IPeerNetwork CreatePeerNetwork(PeerNetworkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var genesis = context.Identity.Genesis;
        if (context.Options.Observer.Enabled)
        {
            return CreateObserverNetwork(context);
        }

        if (genesis.Proto.Departments.Count == 1)
        {
            return new IsolatedPeerNetwork();
        }

        _ = context.Identity.ValidatorKey
            ?? throw new NodeConfigurationException("ValidatorKeyFile: a node joins its peers with its validator key; none is configured.");
        var transport = context.Identity.Certificate is { } certificate ? PeerTransport.MutualTls(certificate) : PeerTransport.Plaintext;
        try
        {
            // Block sync carries the largest block the rules allow with its receipts: the peer channels must too.
            var peerOptions = new GrpcPeerNetworkOptions { MaxMessageBytes = Math.Max(GovChainNode.PeerMessageBytes, CertifiedBlockBound.Bytes(genesis)) };
            return new GrpcPeerNetwork(genesis, context.Identity.Department.Id, context.Identity.ValidatorKeys, context.Handler, transport, context.Time, context.LoggerFactory, peerOptions, context.Membership);
        }
        catch (ArgumentException ex)
        {
            throw new NodeConfigurationException($"Peers: {ex.Message}");
        }
    }

    /// <summary>An observer's: the client API of the department nodes it follows (see src/Grpc/Observer/README.md).</summary>
    public static IPeerNetwork CreateObserverNetwork(PeerNetworkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return new ClientApiFollower(
                context.Identity.Genesis, context.Options.Observer, CertifiedBlockBound.Bytes(context.Identity.Genesis), context.Time, context.LoggerFactory.CreateLogger<ClientApiFollower>());
        }
        catch (ArgumentException ex)
        {
            throw new NodeConfigurationException(ex.Message);
        }
    }

    /// <summary>
    /// Gives the node its listeners: the client API, health, reflection and metrics, and the peer
    /// service of its gRPC peer network (<paramref name="peers"/> names it when the node's
    /// network wraps one, as a test node that misbehaves does).
    /// </summary>
    public static void AddServices(GovChainNodeSettings settings, Func<GovChainNode, GrpcPeerNetwork?>? peers = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Server = node => new NodeServer(node, CreateClientApi(node), peers is null ? node.Network as GrpcPeerNetwork : peers(node));
    }

    /// <summary>The client API service of a node, admitting through the node's one submission path.</summary>
    public static ClientApiService CreateClientApi(GovChainNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new ClientApiService(
            node.Database,
            node.Mempool,
            node.Engine,
            node.CommitFeed,
            node.Status,
            node.Identity.Genesis,
            options: node.Options.ClientApi.ToServiceOptions(),
            metrics: node.Metrics,
            logger: node.LoggerFactory.CreateLogger<ClientApiService>(),
            admit: (transactions, client) => Admit(node, transactions, client));
    }

    // A faulted node's mempool is never proposed from: the client is told at once, as UNAVAILABLE
    // (try another node, or this one after its restart), not left waiting for a commit.
    private static AdmissionResult[] Admit(GovChainNode node, IReadOnlyList<SignedTransaction> transactions, System.Net.IPAddress? client)
    {
        try
        {
            return node.SubmitTransactions(transactions, client);
        }
        catch (NodeFaultedException ex)
        {
            throw RpcErrors.Of(StatusCode.Unavailable, ex.Message);
        }
    }
}

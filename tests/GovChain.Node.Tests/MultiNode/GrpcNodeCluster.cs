using GovChain.Core.Genesis;
using GovChain.Grpc.Hosting;
using GovChain.Grpc.Peers;
using GovChain.Grpc.Server;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Node.Tests.Network;
using GovChain.Node.Tests.Support;
using GovChain.Tests.Shared;
using Grpc.Core;

namespace GovChain.Node.Tests.MultiNode;

/// <summary>
/// Validators as deployed, over real gRPC on free loopback ports (plaintext: loopback only),
/// the first ones honest nodes and the rest identities in genesis that a test drives by hand
/// through a bare <see cref="GrpcPeerNetwork"/>. Every node's log events are captured.
/// </summary>
internal sealed class GrpcNodeCluster : IAsyncDisposable
{
    private readonly int[] _ports;
    private readonly List<IAsyncDisposable> _extras = [];

    private GrpcNodeCluster(TestCluster keys, int[] ports, GenesisDocument genesis, string genesisFile)
    {
        Keys = keys;
        _ports = ports;
        Genesis = genesis;
        GenesisFile = genesisFile;
        Nodes = new GovChainNode?[ports.Length];
        Logs = Enumerable.Range(0, ports.Length).Select(_ => new CapturingLoggerFactory()).ToArray();
    }

    /// <summary>Keys, genesis and data directories (its in-memory hub is unused).</summary>
    public TestCluster Keys { get; }

    public GenesisDocument Genesis { get; }

    public string GenesisFile { get; }

    public GovChainNode?[] Nodes { get; }

    public CapturingLoggerFactory[] Logs { get; }

    public IEnumerable<GovChainNode> Running => Nodes.Where(n => n is not null)!;

    public ulong MinHeight => Running.Min(n => n.Database.Blocks.LastHeight);

    public static async Task<GrpcNodeCluster> StartAsync(int validators, int honest, Action<NodeOptions>? configure = null)
    {
        var keys = new TestCluster(validators, inMemory: true, configure);
        var ports = PeerCluster.ReserveFreePorts(validators);
        var proto = keys.Genesis.Proto.Clone();
        for (var i = 0; i < ports.Length; i++)
        {
            proto.Departments[i].Endpoint = $"127.0.0.1:{ports[i]}";
        }

        var genesis = GenesisDocument.FromProto(proto);
        var file = Path.Combine(keys.Root, "genesis-with-endpoints.json");
        await File.WriteAllTextAsync(file, genesis.ToJson());
        var cluster = new GrpcNodeCluster(keys, ports, genesis, file);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, honest).Select(cluster.StartNodeAsync));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task StartNodeAsync(int i)
    {
        var settings = new GovChainNodeSettings
        {
            PeerNetworkFactory = StandardNode.CreatePeerNetwork,
            ValidatorKey = Keys.ValidatorKeys[i],
            LoggerFactory = Logs[i],
        };
        StandardNode.AddServices(settings);
        var options = Keys.Options(i);
        options.GenesisFile = GenesisFile;
        options.ListenAddress = $"127.0.0.1:{_ports[i]}";
        var node = GovChainNode.Create(options, settings);
        Nodes[i] = node;
        await node.StartAsync();
    }

    public async Task StopNodeAsync(int i)
    {
        if (Nodes[i] is { } node)
        {
            Nodes[i] = null;
            await node.DisposeAsync();
        }
    }

    /// <summary>
    /// A bare peer network for department <paramref name="i"/> (its genesis key, no node behind
    /// it): the test decides what it sends and serves. With <paramref name="serve"/> it also
    /// listens on the department's endpoint, so the nodes can fetch blocks from it.
    /// </summary>
    public async Task<GrpcPeerNetwork> StartBarePeerAsync(int i, IPeerHandler handler, bool serve = false)
    {
        var network = new GrpcPeerNetwork(
            Genesis, TestCluster.DepartmentId(i), Keys.ValidatorKeys[i], handler, PeerTransport.Plaintext, TimeProvider.System, Logs[i],
            PeerCluster.TestOptions());
        if (serve)
        {
            var server = PeerEndpoint.Create(network, new GrpcEndpointOptions
            {
                Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _ports[i]),
                Security = PeerTransport.Plaintext.CreateServerSecurity(Genesis),
                ShutdownTimeout = TimeSpan.FromSeconds(2),
            }, PeerCluster.TestOptions().MaxMessageBytes);
            await server.StartAsync();
            _extras.Add(server);
        }

        await network.StartAsync(handler, CancellationToken.None);
        _extras.Insert(0, network);
        return network;
    }

    public Task WaitForHeightAsync(ulong height, params int[] nodes) =>
        TestCluster.WaitUntilAsync(
            () => nodes.All(i => Nodes[i] is { } n && n.Database.Blocks.LastHeight >= height),
            () => $"nodes {string.Join(",", nodes)} at height {height} (now {string.Join(",", nodes.Select(i => Nodes[i]?.Database.Blocks.LastHeight))})");

    /// <summary>How many events with <paramref name="eventId"/> node <paramref name="i"/> logged.</summary>
    public int Count(int i, int eventId) => Logs[i].Events.Count(e => e.Id.Id == eventId);

    public async ValueTask DisposeAsync()
    {
        foreach (var extra in _extras)
        {
            await extra.DisposeAsync();
        }

        for (var i = 0; i < Nodes.Length; i++)
        {
            await StopNodeAsync(i);
        }

        await Keys.DisposeAsync();
    }
}

using GovChain.Grpc.Hosting;
using GovChain.Node.Hosting;

namespace GovChain.LoadGen;

/// <summary>
/// The four nodes inside the load generator's own process, each configured from its node.json
/// exactly as a node process would be. Cheaper to start, but CPU per node cannot be measured.
/// </summary>
internal sealed class InProcessNodes : IBenchNodes
{
    private readonly BenchNetwork _network;
    private readonly GovChainNode?[] _nodes;

    public InProcessNodes(BenchNetwork network)
    {
        _network = network;
        _nodes = new GovChainNode?[network.Count];
    }

    public string Mode => "in-process";

    public Task StartAllAsync(TimeSpan limit, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, _network.Count).Select(StartAsync)).WaitAsync(limit, ct);

    public TimeSpan? CpuTime(int i) => null;

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i] is { } node)
            {
                _nodes[i] = null;
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task StartAsync(int i)
    {
        var settings = new GovChainNodeSettings { PeerNetworkFactory = StandardNode.CreatePeerNetwork, ValidatorKey = _network.ValidatorKey(i) };
        StandardNode.AddServices(settings);
        var node = GovChainNode.Create(_network.Folder.LoadNodeOptions(_network.DepartmentId(i)), settings);
        _nodes[i] = node;
        await node.StartAsync().ConfigureAwait(false);
    }
}

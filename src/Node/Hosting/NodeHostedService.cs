using Microsoft.Extensions.Hosting;

namespace GovChain.Node.Hosting;

/// <summary>Runs a <see cref="GovChainNode"/> inside a Microsoft.Extensions.Hosting host; stopping the host stops the node gracefully.</summary>
public sealed class NodeHostedService : IHostedService, IAsyncDisposable
{
    private readonly GovChainNode _node;

    public NodeHostedService(GovChainNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _node = node;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _node.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _node.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}

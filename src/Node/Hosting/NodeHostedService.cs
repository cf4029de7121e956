using Microsoft.Extensions.Hosting;

namespace GovChain.Node.Hosting;

/// <summary>
/// Runs a <see cref="GovChainNode"/> inside a Microsoft.Extensions.Hosting host; stopping the host
/// stops the node gracefully, and a node that stops on a fault stops the host (the caller reads
/// <see cref="GovChainNode.Fault"/> for its exit code).
/// </summary>
public sealed class NodeHostedService : IHostedService, IAsyncDisposable
{
    private readonly GovChainNode _node;
    private readonly IHostApplicationLifetime? _lifetime;

    public NodeHostedService(GovChainNode node, IHostApplicationLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        _node = node;
        _lifetime = lifetime;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _node.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_lifetime is { } lifetime)
        {
            _ = _node.Faulted.ContinueWith(
                static (_, state) => ((IHostApplicationLifetime)state!).StopApplication(),
                lifetime, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _node.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}

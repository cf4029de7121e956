namespace GovChain.Node.Hosting;

/// <summary>
/// The listeners of a node, as the layer above builds them (see <see cref="GovChainNodeSettings.Server"/>):
/// the node starts them before its peer network dials and stops them after it, and knows
/// nothing of the protocols they speak.
/// </summary>
public interface INodeServer : IAsyncDisposable
{
    /// <summary>The client endpoint's address once started.</summary>
    Uri? Address { get; }

    /// <summary>The peer endpoint's address once started; null when peers share the client endpoint.</summary>
    Uri? PeerAddress { get; }

    /// <summary>The plain HTTP/1.1 port for scrapers, when configured.</summary>
    int? MetricsHttp1Port { get; }

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}

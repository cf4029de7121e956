namespace GovChain.Node.Configuration;

/// <summary>
/// An observer node: no validator key, no peer listener. It follows the chain over the public
/// client API of department nodes, verifies every certificate and re-executes every block, serves
/// its own client API read-only and forwards submissions (see src/Grpc/Observer/README.md).
/// </summary>
public sealed class ObserverOptions
{
    public const int MaxFollowed = 16;

    /// <summary>Client API addresses of department nodes to follow (https://host:port; http:// only on loopback). Empty: not an observer.</summary>
    public List<string> Follow { get; set; } = [];

    /// <summary>Longest wait before a followed node whose stream broke is dialled again (the wait doubles from 250 ms).</summary>
    public int MaxReconnectDelayMs { get; set; } = 10_000;

    /// <summary>How long a followed node that served a block that does not verify is left out of fetches.</summary>
    public int BanMs { get; set; } = 60_000;

    public bool Enabled => Follow.Count > 0;
}

using Microsoft.Extensions.Logging;

namespace GovChain.Node.Hosting;

/// <summary>Starting and stopping the node.</summary>
public sealed partial class GovChainNode
{
    /// <summary>Largest peer message: a proposal carries a whole block.</summary>
    public const int PeerMessageBytes = 16 * 1024 * 1024;

    /// <summary>Largest peer message of this chain: a proposal's block, or a synced block with its receipts.</summary>
    public int PeerMessageLimit => Math.Max(PeerMessageBytes, MaxCertifiedBlockBytes);

    /// <summary>Starts the server, the peer network and consensus (after listening for peers when the database is fresh).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The node was already started.");
        }

        var fresh = Database.Blocks.LastHeight == 0 && Database.ConsensusWal.Count == 0;
        if (_settings.Server is { } server)
        {
            _server = server(this) ?? throw new InvalidOperationException("The server factory returned null.");
            await _server.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await Network.StartAsync(_networkHandler, cancellationToken).ConfigureAwait(false);
        await Consensus.StartAsync(fresh, cancellationToken).ConfigureAwait(false);
        _ = WatchConsensusAsync();
        LogStarted(_logger, DepartmentId, ChainId, Database.Blocks.LastHeight, Address?.ToString() ?? "(no server)");
        Certificates.Start();
    }

    /// <summary>
    /// Stops consensus after the event in hand (a commit being written is finished), then the
    /// peer network and the server, and closes the database.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await Consensus.StopAsync().ConfigureAwait(false);
        await Network.DisposeAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        LogStopped(_logger, DepartmentId, Database.Blocks.LastHeight);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        await Consensus.DisposeAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        Certificates.Dispose();
        Metrics.Dispose();
        Database.Dispose();
        if (_ownsKey)
        {
            Identity.Dispose();
        }
    }

    /// <summary>True while consensus runs without a fault.</summary>
    public bool IsHealthy => Volatile.Read(ref _state) == 1 && Fault is null && Consensus.Fault is null;

    [LoggerMessage(EventId = 7200, Level = LogLevel.Information, Message = "Node of {DepartmentId} on chain {ChainId} started at height {Height}, serving {Address}")]
    private static partial void LogStarted(ILogger logger, string departmentId, string chainId, ulong height, string address);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Node of {DepartmentId} stopped at height {Height}")]
    private static partial void LogStopped(ILogger logger, string departmentId, ulong height);
}

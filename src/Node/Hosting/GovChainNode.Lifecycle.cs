using GovChain.Node.Configuration;
using GovChain.Node.Metrics;
using GovChain.Node.Network.Grpc;
using GovChain.Rpc.Health;
using GovChain.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ServingStatus = GovChain.Rpc.Health.HealthCheckResponse.Types.ServingStatus;

namespace GovChain.Node.Hosting;

/// <summary>Starting and stopping the node.</summary>
public sealed partial class GovChainNode
{
    /// <summary>Name under which the node's own health is reported by grpc.health.v1.Health.</summary>
    public const string HealthServiceName = "govchain.v1.Node";

    /// <summary>Largest peer message: a proposal carries a whole block.</summary>
    public const int PeerMessageBytes = 16 * 1024 * 1024;

    /// <summary>Largest peer message of this chain: a proposal's block, or a synced block with its receipts.</summary>
    private int PeerMessageLimit => Math.Max(PeerMessageBytes, MaxCertifiedBlockBytes);

    /// <summary>Starts the server, the peer network and consensus (after listening for peers when the database is fresh).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The node was already started.");
        }

        var fresh = Database.Blocks.LastHeight == 0 && Database.ConsensusWal.Count == 0;
        if (!_settings.WithoutServer)
        {
            _server = BuildServer();
            _peerServer = BuildPeerServer();
            await _server.StartAsync(cancellationToken).ConfigureAwait(false);
            if (_peerServer is not null)
            {
                await _peerServer.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await Network.StartAsync(_networkHandler, cancellationToken).ConfigureAwait(false);
        await Consensus.StartAsync(fresh, cancellationToken).ConfigureAwait(false);
        Health.SetStatus(HealthServiceName, ServingStatus.Serving);
        _ = WatchConsensusAsync();
        LogStarted(_logger, DepartmentId, ChainId, Database.Blocks.LastHeight, Address?.ToString() ?? "(no server)");
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

        Health.SetAllNotServing();
        await Consensus.StopAsync().ConfigureAwait(false);
        await Network.DisposeAsync().ConfigureAwait(false);
        if (_peerServer is not null)
        {
            await _peerServer.StopAsync(cancellationToken).ConfigureAwait(false);
        }

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
        if (_peerServer is not null)
        {
            await _peerServer.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _exporter?.Dispose();
        Metrics.Dispose();
        Database.Dispose();
        if (_ownsKey)
        {
            Identity.Dispose();
        }
    }

    /// <summary>True while consensus runs without a fault.</summary>
    public bool IsHealthy => Volatile.Read(ref _state) == 1 && Fault is null && Consensus.Fault is null;

    private RpcServer BuildServer()
    {
        NodeOptionsValidator.TryParseEndpoint(Options.ListenAddress, out var endpoint, out _);
        _exporter = new PrometheusExporter(Metrics.Meter);
        var exporter = _exporter;
        var security = Identity.Certificate is null
            ? ServerSecurity.Plaintext
            : Identity.TrustedClientCertificates.Count > 0
                ? ServerSecurity.MutualTls(Identity.Certificate, Identity.TrustedClientCertificates)
                : ServerSecurity.Tls(Identity.Certificate);
        var serverOptions = new RpcServerOptions
        {
            Host = endpoint!.Address,
            Port = endpoint.Port,
            Security = security,
            Http1Port = Options.MetricsHttp1Port,
            ClientLimits = Options.ClientApi.ToClientLimits(),

            // GetBlock and the block stream carry the largest block the rules allow, with its receipts.
            MaxSendMessageBytes = Math.Max(new RpcServerOptions().MaxSendMessageBytes, MaxCertifiedBlockBytes),
            MaxConcurrentStreamsPerConnection = Options.ClientApi.MaxStreamsPerConnection,
            LoggerFactory = LoggerFactory,
            MapRoutes = routes =>
            {
                routes.MapGet("/metrics", () => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"));
                routes.MapGet("/healthz", () => IsHealthy
                    ? Results.Text("ok\n", "text/plain")
                    : Results.Text(FaultReason is { } reason ? $"unhealthy: stopped on a fault: {reason}\n" : "unhealthy\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable));
            },
        };
        if (Options.PeerListenAddress.Length == 0)
        {
            // Sharing this server with the peer service means carrying whole blocks in proposals.
            serverOptions.MaxReceiveMessageBytes = PeerMessageLimit;
            serverOptions.MaxSendMessageBytes = PeerMessageLimit;
        }

        var server = new RpcServer(serverOptions);
        server.AddService(Health.Definition);
        foreach (var service in _settings.Services)
        {
            server.AddService(service(this));
        }

        if (Options.PeerListenAddress.Length == 0)
        {
            foreach (var service in _settings.PeerServices)
            {
                if (service(this) is { } definition)
                {
                    server.AddService(definition);
                }
            }
        }

        return server;
    }

    // Peers prove who they are with the TLS certificate genesis lists for their department, so
    // this listener trusts exactly those and nothing else (no certificate authority).
    private RpcServer? BuildPeerServer()
    {
        if (Options.PeerListenAddress.Length == 0)
        {
            return null;
        }

        NodeOptionsValidator.TryParseEndpoint(Options.PeerListenAddress, out var endpoint, out _);
        var transport = Identity.Certificate is { } certificate ? PeerTransport.MutualTls(certificate) : PeerTransport.Plaintext;
        var server = new RpcServer(new RpcServerOptions
        {
            Host = endpoint!.Address,
            Port = endpoint.Port,
            Security = transport.CreateServerSecurity(Identity.Genesis),
            MaxReceiveMessageBytes = PeerMessageLimit,
            MaxSendMessageBytes = PeerMessageLimit,
            LoggerFactory = LoggerFactory,
        });
        foreach (var service in _settings.PeerServices)
        {
            if (service(this) is { } definition)
            {
                server.AddService(definition);
            }
        }

        return server;
    }

    [LoggerMessage(EventId = 7200, Level = LogLevel.Information, Message = "Node of {DepartmentId} on chain {ChainId} started at height {Height}, serving {Address}")]
    private static partial void LogStarted(ILogger logger, string departmentId, string chainId, ulong height, string address);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Node of {DepartmentId} stopped at height {Height}")]
    private static partial void LogStopped(ILogger logger, string departmentId, ulong height);
}

using GovChain.Grpc.ClientApi;
using GovChain.Grpc.Peers;
using GovChain.Grpc.PublicPage;
using GovChain.Grpc.Server;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Hosting;

/// <summary>
/// A node's listeners on Kestrel with Grpc.AspNetCore. The client endpoint serves the client
/// API (also as gRPC-Web, for browsers), the standard health service, server reflection, and
/// GET /metrics and /healthz, with per-client limits and server TLS. The peer endpoint, when the
/// node has one, serves only <c>govchain.v1.Peer</c> and health, with mutual TLS pinned to the
/// genesis departments' certificates; without one the peer service shares the client endpoint.
/// Two trust domains, two ASP.NET Core applications: nothing of one is reachable on the other.
/// </summary>
public sealed class NodeServer : INodeServer
{
    /// <summary>Name under which the node's own health is reported by <c>grpc.health.v1.Health</c> (beside "" for the whole server).</summary>
    public const string HealthServiceName = "govchain.v1.Node";

    private const int DefaultMessageBytes = 4 * 1024 * 1024;

    private readonly GovChainNode _node;
    private readonly GrpcPeerNetwork? _peers;
    private readonly ClientApiService _clientApi;
    private readonly ClientCallLimiter _limiter;
    private readonly PrometheusExporter _exporter;
    private readonly ILogger _logger;
    private readonly bool _sharedPeerEndpoint;
    private readonly GrpcEndpoint _client;
    private readonly GrpcEndpoint? _peer;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <param name="peers">The gRPC peer network whose service this server hosts, or null on a one-department chain.</param>
    public NodeServer(GovChainNode node, ClientApiService clientApi, GrpcPeerNetwork? peers)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(clientApi);
        _node = node;
        _clientApi = clientApi;
        _peers = peers;
        var limits = node.Options.ClientApi.ToClientLimits();
        limits.Validate();
        _limiter = new ClientCallLimiter(limits);
        _exporter = new PrometheusExporter(node.Metrics.Meter);
        _logger = node.LoggerFactory.CreateLogger("GovChain.Grpc.Server");
        _sharedPeerEndpoint = node.Options.PeerListenAddress.Length == 0;
        _client = BuildClientEndpoint(limits);
        _peer = !_sharedPeerEndpoint && peers is not null ? BuildPeerEndpoint(peers) : null;
    }

    public Uri? Address => _state == 0 ? null : _client.Address;

    public Uri? PeerAddress => _state == 0 ? null : _peer?.Address;

    public int? MetricsHttp1Port => _state == 0 ? null : _client.Http1Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the node's server was already started");
        }

        await _client.StartAsync(cancellationToken).ConfigureAwait(false);
        ServerLog.ServerStarted(_logger, "client", _client.Address.ToString());
        if (_peer is not null)
        {
            await _peer.StartAsync(cancellationToken).ConfigureAwait(false);
            ServerLog.ServerStarted(_logger, "peer", _peer.Address.ToString());
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        if (_peer is not null)
        {
            await _peer.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await _client.StopAsync(cancellationToken).ConfigureAwait(false);
        ServerLog.ServerStopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.CompareExchange(ref _state, 2, 0);
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_peer is not null)
        {
            await _peer.DisposeAsync().ConfigureAwait(false);
        }

        await _client.DisposeAsync().ConfigureAwait(false);
        _exporter.Dispose();
        _limiter.Dispose();
    }

    private GrpcEndpoint BuildClientEndpoint(ClientLimits limits)
    {
        var identity = _node.Identity;
        var security = identity.Certificate is null
            ? ServerSecurity.Plaintext
            : identity.TrustedClientCertificates.Count > 0
                ? ServerSecurity.MutualTls(identity.Certificate, identity.TrustedClientCertificates)
                : ServerSecurity.Tls(identity.Certificate);
        NodeOptionsValidator.TryParseEndpoint(_node.Options.ListenAddress, out var endpoint, out _);

        // GetBlock and the block stream carry the largest block the rules allow, with its receipts;
        // a shared peer service carries whole blocks in proposals both ways.
        var send = _sharedPeerEndpoint ? _node.PeerMessageLimit : Math.Max(DefaultMessageBytes, _node.MaxCertifiedBlockBytes);
        var receive = _sharedPeerEndpoint ? _node.PeerMessageLimit : DefaultMessageBytes;
        var options = new GrpcEndpointOptions
        {
            Endpoint = endpoint!,
            Security = security,
            MaxStreamsPerConnection = _node.Options.ClientApi.MaxStreamsPerConnection,
            ClientLimits = limits,
            Limiter = _limiter,
            Http1Port = _node.Options.MetricsHttp1Port,
            LoggerFactory = _node.LoggerFactory,
        };
        return GrpcEndpoint.Create(options, services =>
        {
            services.AddSingleton(new ClientLimitInterceptor(_limiter, _node.LoggerFactory.CreateLogger<ClientLimitInterceptor>()));
            services.AddStrictGrpc(o =>
            {
                o.MaxReceiveMessageSize = receive;
                o.MaxSendMessageSize = send;
                o.EnableDetailedErrors = false;
                o.Interceptors.Add<ClientLimitInterceptor>();
            });
            services.AddGrpcReflection();
            services.AddSingleton(_clientApi);
            if (_sharedPeerEndpoint && _peers is not null)
            {
                PeerEndpoint.AddService(services, _peers);
            }

            AddHealth(services);
        }, app =>
        {
            app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = false });
            app.MapGrpcService<ClientApiService>().EnableGrpcWeb();
            app.MapGrpcHealthChecksService().EnableGrpcWeb();
            app.MapGrpcReflectionService();
            if (_sharedPeerEndpoint && _peers is not null)
            {
                PeerEndpoint.Map(app);
            }

            CredentialStatusEndpoints.Map(app, _node);
            QrCodeEndpoint.Map(app);
            app.MapPublicPage(_node, _clientApi, _limiter);
            app.MapGet("/metrics", () => Results.Text(_exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"));
            app.MapGet("/healthz", () => _node.IsHealthy
                ? Results.Text("ok\n", "text/plain")
                : Results.Text(_node.FaultReason is { } reason ? $"unhealthy: stopped on a fault: {reason}\n" : "unhealthy\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable));
        });
    }

    // Peers prove who they are with the TLS certificate the committed membership lists for their
    // department, so this listener trusts exactly those and nothing else (no certificate authority).
    private GrpcEndpoint BuildPeerEndpoint(GrpcPeerNetwork peers)
    {
        NodeOptionsValidator.TryParseEndpoint(_node.Options.PeerListenAddress, out var endpoint, out _);
        var transport = _node.Identity.Certificate is { } certificate ? PeerTransport.MutualTls(certificate) : PeerTransport.Plaintext;
        var options = new GrpcEndpointOptions
        {
            Endpoint = endpoint!,
            Security = transport.CreateServerSecurity(peers),
            LoggerFactory = _node.LoggerFactory,
        };
        return GrpcEndpoint.Create(options, services =>
        {
            services.AddStrictGrpc(o =>
            {
                o.MaxReceiveMessageSize = _node.PeerMessageLimit;
                o.MaxSendMessageSize = _node.PeerMessageLimit;
                o.EnableDetailedErrors = false;
            });
            PeerEndpoint.AddService(services, peers);
            AddHealth(services);
        }, app =>
        {
            PeerEndpoint.Map(app);
            app.MapGrpcHealthChecksService();
        });
    }

    private void AddHealth(IServiceCollection services)
    {
        services.AddGrpcHealthChecks(o =>
        {
            o.Services.Map(string.Empty, _ => true);
            o.Services.Map(HealthServiceName, _ => true);
        }).AddCheck("node", () => _node.IsHealthy
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(_node.FaultReason ?? "the node is not running"));

        // Watchers hear of a fault within a second, not after the default half minute.
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.Zero;
            o.Period = TimeSpan.FromSeconds(1);
        });
    }
}

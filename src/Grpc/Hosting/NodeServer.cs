using System.Net;
using GovChain.Grpc.ClientApi;
using GovChain.Grpc.Peers;
using GovChain.Grpc.Server;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
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
    private readonly PeerService? _peerService;
    private readonly ClientApiService _clientApi;
    private readonly ClientLimits _clientLimits;
    private readonly ClientCallLimiter _limiter;
    private readonly PrometheusExporter _exporter;
    private readonly ILogger _logger;
    private readonly bool _sharedPeerEndpoint;
    private Endpoint? _client;
    private Endpoint? _peer;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <param name="peers">The gRPC peer network whose service this server hosts, or null on a one-department chain.</param>
    public NodeServer(GovChainNode node, ClientApiService clientApi, GrpcPeerNetwork? peers)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(clientApi);
        _node = node;
        _clientApi = clientApi;
        _peerService = peers?.PeerService;
        _clientLimits = node.Options.ClientApi.ToClientLimits();
        _clientLimits.Validate();
        _limiter = new ClientCallLimiter(_clientLimits);
        _exporter = new PrometheusExporter(node.Metrics.Meter);
        _logger = node.LoggerFactory.CreateLogger("GovChain.Grpc.Server");
        _sharedPeerEndpoint = node.Options.PeerListenAddress.Length == 0;
    }

    public Uri? Address => _client?.Address;

    public Uri? PeerAddress => _sharedPeerEndpoint ? null : _peer?.Address;

    public int? MetricsHttp1Port => _client?.Http1Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the node's server was already started");
        }

        _client = BuildClientEndpoint();
        if (!_sharedPeerEndpoint && _peerService is not null)
        {
            _peer = BuildPeerEndpoint(_peerService);
        }

        try
        {
            await _client.StartAsync(cancellationToken).ConfigureAwait(false);
            ServerLog.ServerStarted(_logger, "client", _client.Address.ToString());
            if (_peer is not null)
            {
                await _peer.StartAsync(cancellationToken).ConfigureAwait(false);
                ServerLog.ServerStarted(_logger, "peer", _peer.Address.ToString());
            }
        }
        catch
        {
            // A port in use or a bad certificate: leave nothing half-started behind.
            await DisposeEndpointsAsync().ConfigureAwait(false);
            Volatile.Write(ref _state, 2);
            throw;
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

        if (_client is not null)
        {
            await _client.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        ServerLog.ServerStopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await DisposeEndpointsAsync().ConfigureAwait(false);
        _exporter.Dispose();
        _limiter.Dispose();
    }

    private async Task DisposeEndpointsAsync()
    {
        if (_peer is not null)
        {
            await _peer.DisposeAsync().ConfigureAwait(false);
        }

        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Endpoint BuildClientEndpoint()
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
        var listen = new EndpointListen(endpoint!, security, _node.Options.ClientApi.MaxStreamsPerConnection, _clientLimits, _limiter, _node.Options.MetricsHttp1Port);
        return Endpoint.Create(_node, listen, services =>
        {
            services.AddGrpc(o =>
            {
                o.MaxReceiveMessageSize = receive;
                o.MaxSendMessageSize = send;
                o.EnableDetailedErrors = false;
                o.Interceptors.Add<ClientLimitInterceptor>(_limiter);
                o.Interceptors.Add<CallMetricsInterceptor>();
            });
            services.AddGrpcReflection();
            services.AddSingleton(_clientApi);
            AddPeerService(services);
            AddHealth(services);
        }, app =>
        {
            app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = false });
            app.MapGrpcService<ClientApiService>().EnableGrpcWeb();
            app.MapGrpcHealthChecksService().EnableGrpcWeb();
            app.MapGrpcReflectionService();
            if (_sharedPeerEndpoint && _peerService is not null)
            {
                MapPeerService(app);
            }

            app.MapGet("/metrics", () => Results.Text(_exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"));
            app.MapGet("/healthz", () => _node.IsHealthy
                ? Results.Text("ok\n", "text/plain")
                : Results.Text(_node.FaultReason is { } reason ? $"unhealthy: stopped on a fault: {reason}\n" : "unhealthy\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable));
        });
    }

    // Peers prove who they are with the TLS certificate genesis lists for their department, so
    // this listener trusts exactly those and nothing else (no certificate authority).
    private Endpoint BuildPeerEndpoint(PeerService peerService)
    {
        NodeOptionsValidator.TryParseEndpoint(_node.Options.PeerListenAddress, out var endpoint, out _);
        var transport = _node.Identity.Certificate is { } certificate ? PeerTransport.MutualTls(certificate) : PeerTransport.Plaintext;
        var listen = new EndpointListen(endpoint!, transport.CreateServerSecurity(_node.Identity.Genesis), 256, null, null, null);
        return Endpoint.Create(_node, listen, services =>
        {
            services.AddGrpc(o =>
            {
                o.MaxReceiveMessageSize = _node.PeerMessageLimit;
                o.MaxSendMessageSize = _node.PeerMessageLimit;
                o.EnableDetailedErrors = false;
                o.Interceptors.Add<CallMetricsInterceptor>();
            });
            AddPeerService(services);
            AddHealth(services);
        }, app =>
        {
            MapPeerService(app);
            app.MapGrpcHealthChecksService();
        });
    }

    private void AddPeerService(IServiceCollection services)
    {
        if (_peerService is not null)
        {
            services.AddSingleton(_peerService);
        }
    }

    private static void MapPeerService(WebApplication app) => app.MapGrpcService<PeerService>();

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

    /// <summary>Where and how one endpoint listens.</summary>
    private sealed record EndpointListen(
        IPEndPoint Endpoint,
        ServerSecurity Security,
        int MaxStreamsPerConnection,
        ClientLimits? ClientLimits,
        ClientCallLimiter? Limiter,
        int? Http1Port);

    /// <summary>One ASP.NET Core application on Kestrel: started, its bound ports read, stopped.</summary>
    private sealed class Endpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly EndpointListen _listen;
        private readonly CancellationTokenSource _stopping = new();
        private ListenOptions? _grpcListener;
        private ListenOptions? _http1Listener;

        private Endpoint(EndpointListen listen, WebApplicationBuilder builder, Action<WebApplication> map)
        {
            _listen = listen;
            builder.WebHost.ConfigureKestrel(ConfigureKestrel);
            _app = builder.Build();

            // Streams in flight (block streams, peer sessions) end when the endpoint stops, instead of holding the shutdown for its whole timeout.
            _app.Use((http, next) =>
            {
                if (http.RequestAborted.CanBeCanceled)
                {
                    var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
                    http.RequestAborted = linked.Token;
                    http.Response.RegisterForDispose(linked);
                }

                return next(http);
            });
            _app.UseRouting();
            map(_app);
        }

        public Uri Address => new($"{(_listen.Security.IsTls ? "https" : "http")}://{FormatHost(_listen.Endpoint.Address)}:{_grpcListener!.IPEndPoint!.Port}");

        public int? Http1Port => _http1Listener?.IPEndPoint?.Port;

        public static Endpoint Create(GovChainNode node, EndpointListen listen, Action<IServiceCollection> services, Action<WebApplication> map)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "GovChain.Grpc" });
            builder.Services.AddSingleton(node.LoggerFactory);
            builder.Services.AddLogging();
            builder.Services.AddRoutingCore();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            builder.WebHost.UseKestrelCore();
            if (listen.Security.IsTls)
            {
                builder.WebHost.UseKestrelHttpsConfiguration();
            }

            services(builder.Services);
            return new Endpoint(listen, builder, map);
        }

        public Task StartAsync(CancellationToken cancellationToken) => _app.StartAsync(cancellationToken);

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _stopping.Dispose();
        }

        private void ConfigureKestrel(KestrelServerOptions kestrel)
        {
            kestrel.AddServerHeader = false;
            var limits = kestrel.Limits;

            // Streams are long-lived and bounded per message instead: Kestrel's body size and
            // data-rate limits would cut idle or large streaming calls.
            limits.MaxRequestBodySize = null;
            limits.MinRequestBodyDataRate = null;
            limits.MinResponseDataRate = null;
            limits.Http2.MaxStreamsPerConnection = _listen.MaxStreamsPerConnection;
            limits.Http2.InitialConnectionWindowSize = 2 * 1024 * 1024;
            limits.Http2.InitialStreamWindowSize = 1024 * 1024;
            limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
            limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            limits.MaxConcurrentConnections = 1024;
            limits.MaxConcurrentUpgradedConnections = 0;
            if (_listen.ClientLimits is { } clientLimits)
            {
                ClientLimitsKestrel.Apply(limits, clientLimits);
            }

            var security = _listen.Security;
            kestrel.Listen(_listen.Endpoint, listen =>
            {
                _grpcListener = listen;
                if (_listen.Limiter is { } limiter)
                {
                    // Before TLS, so a client over its share costs no handshake.
                    ClientLimitsKestrel.LimitConnectionsPerClient(listen, limiter, kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("GovChain.Grpc.Server"));
                }

                if (!security.IsTls)
                {
                    listen.Protocols = HttpProtocols.Http2;
                    return;
                }

                // HTTP/1.1 beside HTTP/2 (by ALPN) for gRPC-Web from browsers.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                var https = new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                {
                    ServerCertificate = security.Certificate,
                    SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                    ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.NoCertificate,
                };
                if (_listen.ClientLimits is { } handshake)
                {
                    https.HandshakeTimeout = handshake.TlsHandshakeTimeout;
                }

                if (security.TrustedClientCertificates is { } trusted)
                {
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (certificate, _, _) => CertificateTrust.IsTrusted(certificate, trusted);
                }

                listen.UseHttps(https);
            });

            if (_listen.Http1Port is { } http1Port)
            {
                kestrel.Listen(_listen.Endpoint.Address, http1Port, listen =>
                {
                    _http1Listener = listen;
                    listen.Protocols = HttpProtocols.Http1;
                });
            }
        }

        private static string FormatHost(IPAddress address)
        {
            // A wildcard bind is dialled on loopback from this machine.
            if (address.Equals(IPAddress.Any))
            {
                return "127.0.0.1";
            }

            if (address.Equals(IPAddress.IPv6Any))
            {
                return "[::1]";
            }

            return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        }
    }
}

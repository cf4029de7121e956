using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovChain.Rpc;

/// <summary>
/// A gRPC server on Kestrel's HTTP/2: hosts services, and optionally plain HTTP routes, on one
/// listener. Add services, start, read <see cref="Port"/>, stop.
/// </summary>
public sealed class RpcServer : IAsyncDisposable
{
    private readonly RpcServerOptions _options;
    private readonly List<ServiceDefinition> _services = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly ClientCallLimiter? _limiter;
    private WebApplication? _app;
    private ListenOptions? _grpcListener;
    private ListenOptions? _http1Listener;
    private int _state; // 0 new, 1 started, 2 stopped

    public RpcServer(RpcServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger("GovChain.Rpc.Server") ?? NullLogger.Instance;
        _limiter = options.ClientLimits is { } limits ? new ClientCallLimiter(limits) : null;
    }

    /// <summary>The bound gRPC port; valid after <see cref="StartAsync"/>.</summary>
    public int Port => BoundPort(_grpcListener);

    /// <summary>The bound HTTP/1.1 port when <see cref="RpcServerOptions.Http1Port"/> was set, else null.</summary>
    public int? Http1Port => _http1Listener is null ? null : BoundPort(_http1Listener);

    /// <summary>The address clients dial: <c>http://127.0.0.1:port</c> or <c>https://...</c>.</summary>
    public Uri Address => new($"{(_options.Security.IsTls ? "https" : "http")}://{FormatHost(_options.Host)}:{Port}");

    /// <summary>Adds a service; only before <see cref="StartAsync"/>.</summary>
    public RpcServer AddService(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (_state != 0)
        {
            throw new InvalidOperationException("services are added before the server starts");
        }

        _services.Add(service);
        return this;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the server was already started");
        }

        var settings = new ServerCallSettings
        {
            MaxReceiveMessageBytes = _options.MaxReceiveMessageBytes,
            MaxSendMessageBytes = _options.MaxSendMessageBytes,
            CompressResponses = _options.CompressResponses,
            Logger = _logger,
            Stopping = _stopping.Token,
        };
        var dispatcher = new GrpcDispatcher(_services, settings, _limiter);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "GovChain.Rpc" });
        if (_options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.Services.AddLogging();
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = _options.ShutdownTimeout);
        builder.WebHost.UseKestrelCore();
        if (_options.Security.IsTls)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(ConfigureKestrel);

        var app = builder.Build();
        app.Use(next => http => dispatcher.InvokeAsync(http, next));
        if (_options.MapRoutes is { } mapRoutes)
        {
            app.UseRouting();
            mapRoutes(app);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A port in use or a bad certificate: leave nothing half-started behind.
            Volatile.Write(ref _state, 2);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _app = app;
        RpcLog.ServerStarted(_logger, Address.ToString());
    }

    /// <summary>Stops listening, ends streams in flight (their handlers see cancellation), and waits for them up to the shutdown timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1 || _app is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        RpcLog.ServerStopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }

        _stopping.Dispose();
        _limiter?.Dispose();
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
        limits.Http2.MaxStreamsPerConnection = _options.MaxConcurrentStreamsPerConnection;
        limits.Http2.InitialConnectionWindowSize = 2 * 1024 * 1024;
        limits.Http2.InitialStreamWindowSize = 1024 * 1024;
        limits.Http2.KeepAlivePingDelay = _options.KeepAlivePingDelay;
        limits.Http2.KeepAlivePingTimeout = _options.KeepAlivePingTimeout;
        limits.MaxConcurrentConnections = _options.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        if (_options.ClientLimits is { } clientLimits)
        {
            ClientLimitsKestrel.Apply(limits, clientLimits);
        }

        var security = _options.Security;
        kestrel.Listen(_options.Host, _options.Port, listen =>
        {
            _grpcListener = listen;
            if (_limiter is not null)
            {
                // Before TLS, so a client over its share costs no handshake.
                ClientLimitsKestrel.LimitConnectionsPerClient(listen, _limiter, _logger);
            }

            if (!security.IsTls)
            {
                listen.Protocols = HttpProtocols.Http2;
                return;
            }

            listen.Protocols = HttpProtocols.Http1AndHttp2;
            var https = new HttpsConnectionAdapterOptions
            {
                ServerCertificate = security.Certificate,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.NoCertificate,
            };
            if (_options.ClientLimits is { } handshake)
            {
                https.HandshakeTimeout = handshake.TlsHandshakeTimeout;
            }

            if (security.TrustedClientCertificates is { } trusted)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => CertificateTrust.IsTrusted(certificate, trusted);
            }

            listen.UseHttps(https);
        });

        if (_options.Http1Port is { } http1Port)
        {
            kestrel.Listen(_options.Host, http1Port, listen =>
            {
                _http1Listener = listen;
                listen.Protocols = HttpProtocols.Http1;
            });
        }
    }

    private int BoundPort(ListenOptions? listener)
    {
        if (_state != 1 && _state != 2 || listener is null)
        {
            throw new InvalidOperationException("the server has not started");
        }

        return listener.IPEndPoint!.Port;
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

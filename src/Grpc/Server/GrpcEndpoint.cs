using System.Net;
using System.Security.Authentication;
using GovChain.Core.Security;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovChain.Grpc.Server;

/// <summary>
/// One listener of a node: an ASP.NET Core application on Kestrel with the services and routes
/// it is given, its TLS, HTTP/2 limits and (for clients) per-address shares. Started, its bound
/// ports read, stopped; streams in flight end when it stops instead of holding the shutdown.
/// </summary>
public sealed class GrpcEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcEndpointOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private ListenOptions? _grpcListener;
    private ListenOptions? _http1Listener;
    private int _state; // 0 new, 1 started, 2 stopped

    private GrpcEndpoint(GrpcEndpointOptions options, Action<IServiceCollection> services, Action<WebApplication> map)
    {
        _options = options;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "GovChain.Grpc" });
        builder.Services.AddSingleton(options.LoggerFactory ?? NullLoggerFactory.Instance);
        builder.Services.AddLogging();
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.UseKestrelCore();
        if (options.Security.IsTls)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(ConfigureKestrel);
        builder.Services.AddSingleton(new EndpointStopping(_stopping.Token));
        builder.Services.AddSingleton<CallOutcomeInterceptor>();
        builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CallOutcomeInterceptor>());
        services(builder.Services);
        _app = builder.Build();
        _app.UseRouting();
        _app.Use((http, next) =>
        {
            // Block streams and peer sessions end when the endpoint stops: their handlers see the
            // call cancelled, as they would if the client went away. Unary calls end on their own.
            if (http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { Method.Type: not MethodType.Unary })
            {
                var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
                http.RequestAborted = linked.Token;
                http.Response.RegisterForDispose(linked);
            }

            return next(http);
        });
        map(_app);
    }

    /// <summary>The bound gRPC port; valid once started.</summary>
    public int Port => _grpcListener?.IPEndPoint?.Port ?? throw new InvalidOperationException("the endpoint has not started");

    /// <summary>The address clients dial: <c>http://127.0.0.1:port</c> or <c>https://...</c>.</summary>
    public Uri Address => new($"{(_options.Security.IsTls ? "https" : "http")}://{FormatHost(_options.Endpoint.Address)}:{Port}");

    /// <summary>The bound HTTP/1.1 port when <see cref="GrpcEndpointOptions.Http1Port"/> was set.</summary>
    public int? Http1Port => _http1Listener?.IPEndPoint?.Port;

    /// <summary>
    /// An endpoint hosting what <paramref name="services"/> registers (gRPC services with
    /// <c>AddGrpc</c>, their singletons) and <paramref name="map"/> maps; nothing listens until started.
    /// </summary>
    public static GrpcEndpoint Create(GrpcEndpointOptions options, Action<IServiceCollection> services, Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(map);
        options.Validate();
        return new GrpcEndpoint(options, services, map);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the endpoint was already started");
        }

        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
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
        limits.Http2.MaxStreamsPerConnection = _options.MaxStreamsPerConnection;
        limits.Http2.InitialConnectionWindowSize = 2 * 1024 * 1024;
        limits.Http2.InitialStreamWindowSize = 1024 * 1024;
        limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
        limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
        limits.MaxConcurrentConnections = _options.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        if (_options.ClientLimits is { } clientLimits)
        {
            ClientLimitsKestrel.Apply(limits, clientLimits);
        }

        var security = _options.Security;
        kestrel.Listen(_options.Endpoint, listen =>
        {
            _grpcListener = listen;
            if (_options.Limiter is { } limiter)
            {
                // Before TLS, so a client over its share costs no handshake.
                var logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("GovChain.Grpc.Server");
                ClientLimitsKestrel.LimitConnectionsPerClient(listen, limiter, logger);
            }

            if (!security.IsTls)
            {
                listen.Protocols = HttpProtocols.Http2;
                return;
            }

            // HTTP/1.1 beside HTTP/2 (chosen by ALPN) for gRPC-Web from browsers.
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

            if (security.ClientCertificateCheck is { } accept)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => certificate is not null && accept(certificate);
            }
            else if (security.TrustedClientCertificates is { } trusted)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => certificate is not null && (CertificatePins.IsPinned(certificate, trusted) || CertificatePins.ChainsTo(certificate, trusted));
            }

            listen.UseHttps(https);
        });

        if (_options.Http1Port is { } http1Port)
        {
            kestrel.Listen(_options.Endpoint.Address, http1Port, listen =>
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

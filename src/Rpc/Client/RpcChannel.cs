using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;

namespace GovChain.Rpc;

/// <summary>
/// The client side of one endpoint: a pool of HTTP/2 connections (more than one when the
/// server's stream limit is reached) with keep-alive pings. Create one per endpoint, reuse it
/// for every call, dispose it at the end. Calls of all four kinds start from here.
/// </summary>
public sealed class RpcChannel : IDisposable
{
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);

    public RpcChannel(Uri address, RpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("the address must be an absolute http:// or https:// URI", nameof(address));
        }

        options ??= new RpcChannelOptions();
        options.Validate();
        if (address.Scheme == Uri.UriSchemeHttp && options.ClientCertificate is not null)
        {
            throw new ArgumentException("a client certificate needs an https:// address", nameof(options));
        }

        Address = new Uri(address.GetLeftPart(UriPartial.Authority));
        Options = options;
        Invoker = new HttpMessageInvoker(CreateHandler(options), disposeHandler: true);
    }

    public RpcChannel(string address, RpcChannelOptions? options = null)
        : this(new Uri(address), options)
    {
    }

    public Uri Address { get; }

    internal RpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    public Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = Begin(method, MethodType.Unary, options);
        call.Start(request);
        return call.ReadSingleResponseAsync(disposeAfter: true);
    }

    /// <summary>A unary call whose response headers and trailers can be read too.</summary>
    public UnaryCall<TResponse> StartUnary<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = Begin(method, MethodType.Unary, options);
        call.Start(request);
        return new UnaryCall<TResponse>(call, call.ReadSingleResponseAsync());
    }

    public ServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = Begin(method, MethodType.ServerStreaming, options);
        call.Start(request);
        return new ServerStreamingCall<TResponse>(call, call);
    }

    public ClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = Begin(method, MethodType.ClientStreaming, options);
        call.Start(null);
        return new ClientStreamingCall<TRequest, TResponse>(call, call, call.ReadSingleResponseAsync());
    }

    public DuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = Begin(method, MethodType.DuplexStreaming, options);
        call.Start(null);
        return new DuplexStreamingCall<TRequest, TResponse>(call, call, call);
    }

    public void Dispose() => Invoker.Dispose();

    internal Uri GetUri(IMethod method) =>
        _uris.GetOrAdd(method.FullName, static (path, address) => new Uri(address, path), Address);

    private ClientCall<TRequest, TResponse> Begin<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType kind, CallOptions options)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != kind)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method, not {kind}", nameof(method));
        }

        return new ClientCall<TRequest, TResponse>(this, method, options);
    }

    private static SocketsHttpHandler CreateHandler(RpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = options.EnableMultipleHttp2Connections,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            InitialHttp2StreamWindowSize = 1024 * 1024,
        };

        if (options.LocalAddress is { } local)
        {
            handler.ConnectCallback = (context, cancellationToken) => ConnectFromAsync(local, context.DnsEndPoint, cancellationToken);
        }

        var ssl = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
        };
        if (options.ClientCertificate is { } clientCertificate)
        {
            ssl.ClientCertificates = [clientCertificate];
            // Present our certificate whatever issuers the server lists: trust is the server's decision.
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        if (options.ServerCertificateValidation is { } validate)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                certificate is X509Certificate2 cert && validate(cert, chain, errors);
        }
        else if (options.TrustedServerCertificates is { } trusted)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is X509Certificate2 cert
                && IsTrustedServer(cert, trusted, errors);
        }

        handler.SslOptions = ssl;
        return handler;
    }

    private static async ValueTask<Stream> ConnectFromAsync(System.Net.IPAddress local, System.Net.DnsEndPoint remote, CancellationToken cancellationToken)
    {
        var socket = new System.Net.Sockets.Socket(local.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new System.Net.IPEndPoint(local, 0));
            await socket.ConnectAsync(remote, cancellationToken).ConfigureAwait(false);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsTrustedServer(X509Certificate2 certificate, X509Certificate2Collection trusted, SslPolicyErrors errors)
    {
        // A pinned certificate is trusted as is; one issued by a trusted CA must also name the host.
        foreach (var candidate in trusted)
        {
            if (candidate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
            {
                return true;
            }
        }

        return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
            && CertificateTrust.IsTrusted(certificate, trusted);
    }
}

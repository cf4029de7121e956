using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace GovChain.Client;

/// <summary>
/// Builds the one <see cref="GrpcChannel"/> of a client: a <see cref="SocketsHttpHandler"/> whose
/// TLS trusts what <see cref="GovChainChannelOptions"/> names, with HTTP/2 keep-alive and, when
/// many calls run at once, more than one HTTP/2 connection.
/// </summary>
internal static class ChannelFactory
{
    public static GrpcChannel Create(Uri address, GovChainChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("the address must be an absolute http:// or https:// URI", nameof(address));
        }

        options.Validate();
        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(options),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageBytes,
            MaxSendMessageSize = options.MaxSendMessageBytes,
            LoggerFactory = options.LoggerFactory,
        };
        options.ConfigureChannel?.Invoke(channelOptions);
        return GrpcChannel.ForAddress(new Uri(address.GetLeftPart(UriPartial.Authority)), channelOptions);
    }

    private static SocketsHttpHandler CreateHandler(GovChainChannelOptions options)
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
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,

            // A block of several MiB streams without waiting on window updates every 64 KiB.
            InitialHttp2StreamWindowSize = 1024 * 1024,
        };

        // Our own connect (from the chosen local address, if any) also keeps Grpc.Net.Client's
        // connectivity balancer out: it would back off reconnects on its own clock (1 s growing to
        // 2 min) and fail every call at once meanwhile, so the SDK's retry policy could not reach
        // a node that came back. Each attempt dials afresh, as the policy expects.
        var local = options.LocalAddress;
        handler.ConnectCallback = (context, cancellationToken) => ConnectAsync(local, context.DnsEndPoint, cancellationToken);

        var ssl = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
        };
        if (options.ServerCertificateValidation is { } validate)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                certificate is X509Certificate2 cert && validate(cert, chain, errors);
        }
        else if (options.TrustedServerCertificates is { } trusted)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is X509Certificate2 cert && ServerCertificateTrust.IsTrusted(cert, trusted, errors);
        }

        handler.SslOptions = ssl;
        return handler;
    }

    private static async ValueTask<Stream> ConnectAsync(IPAddress? local, DnsEndPoint remote, CancellationToken cancellationToken)
    {
        // Without a local address: a dual-mode socket, reaching IPv4 and IPv6 hosts alike.
        var socket = local is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (local is not null)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(remote, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace GovChain.Node.Tests.Support;

/// <summary>Grpc.Net.Client channels as tests need them: a chosen local address (one "client" each), a pinned server certificate, a client certificate.</summary>
internal static class TestChannels
{
    public static GrpcChannel Open(
        Uri address,
        X509Certificate2? clientCertificate = null,
        byte[]? pinnedServerCertificate = null,
        IPAddress? localAddress = null,
        int? maxSendBytes = null,
        int? maxReceiveBytes = null)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (localAddress is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        if (address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions.ClientCertificates = clientCertificate is null ? null : [clientCertificate];
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                pinnedServerCertificate is null || (certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinnedServerCertificate));
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxSendMessageSize = maxSendBytes,
            MaxReceiveMessageSize = maxReceiveBytes ?? 64 * 1024 * 1024,
        });
    }
}

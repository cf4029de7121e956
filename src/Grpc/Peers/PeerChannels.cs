using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace GovChain.Grpc.Peers;

/// <summary>The channel a node dials one peer with: one HTTP/2 connection kept alive, TLS pinned to the peer's genesis certificate.</summary>
internal static class PeerChannels
{
    public static GrpcChannel Create(Uri address, X509Certificate2? ownCertificate, byte[]? pinnedPeerCertificate, int maxMessageBytes)
    {
        var handler = new SocketsHttpHandler
        {
            // One long-lived connection per peer: consensus streams must not wait for a new handshake.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(15),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            EnableMultipleHttp2Connections = true,
        };
        if (pinnedPeerCertificate is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = ownCertificate is null ? null : [ownCertificate],
                // Exactly the certificate genesis pins for this department: no CA, no name matching.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinnedPeerCertificate),
            };
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = maxMessageBytes,
            MaxSendMessageSize = maxMessageBytes,
        });
    }
}

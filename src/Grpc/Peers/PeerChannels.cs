using System.Net.Security;
using System.Runtime.CompilerServices;
using GovChain.Core.Hashing;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace GovChain.Grpc.Peers;

/// <summary>The channel a node dials one peer with: one HTTP/2 connection kept alive, TLS pinned to the certificates the chain lists for the peer.</summary>
internal static class PeerChannels
{
    /// <param name="presented">Receives the SHA-256 of the certificate the peer presented, for the handshake transcript.</param>
    public static GrpcChannel Create(Uri address, X509Certificate2? ownCertificate, PeerIdentity peer, bool tls, StrongBox<Hash32> presented, int maxMessageBytes)
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
        if (tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = ownCertificate is null ? null : [ownCertificate],
                // Exactly a certificate the chain pins for this department (two during a rotation): no CA, no name matching.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    var hash = PeerIdentity.HashCertificate(certificate.GetRawCertData());
                    if (!peer.Accepts(hash))
                    {
                        return false;
                    }

                    presented.Value = hash;
                    return true;
                },
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

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Grpc.Peers;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;

namespace GovChain.Node.Tests.Network;

/// <summary>
/// Speaks the peer protocol by hand, so tests can present any certificate, claim any
/// department or key, sign with any key, and send what a well-behaved node never would.
/// </summary>
internal static class RawPeer
{
    public static GrpcChannel Channel(PeerCluster.Member target, X509Certificate2? clientCertificate, int maxSendBytes = 8 * 1024 * 1024)
    {
        var expected = target.Certificate?.RawData;
        var scheme = expected is null ? "http" : "https";
        return TestChannels.Open(new Uri($"{scheme}://127.0.0.1:{target.Port}"), clientCertificate, expected, maxSendBytes: maxSendBytes);
    }

    public static Hash32 CertificateHash(X509Certificate2? certificate) =>
        certificate is null ? Hash32.Zero : new Hash32(SHA256.HashData(certificate.RawData));

    /// <summary>Runs the dialler's side of the handshake; returns the session id, or throws the server's refusal as an RpcException.</summary>
    public static async Task<byte[]> HandshakeAsync(
        AsyncDuplexStreamingCall<PeerClientFrame, PeerServerFrame> call,
        PeerCluster.Member target,
        Hash32 genesisHash,
        string departmentId,
        byte[] claimedKey,
        KeyPair signer,
        X509Certificate2? clientCertificate)
    {
        var nonce = HandshakeTranscript.NewNonce();
        var claimed = claimedKey;
        await call.RequestStream.WriteAsync(new PeerClientFrame
        {
            Hello = new PeerHello
            {
                ProtocolVersion = HandshakeTranscript.Version,
                GenesisHash = ByteString.CopyFrom(genesisHash.ToArray()),
                DepartmentId = departmentId,
                ValidatorKey = ByteString.CopyFrom(claimed),
                Nonce = ByteString.CopyFrom(nonce.ToArray()),
                Height = 0,
            },
        });
        Assert.True(await call.ResponseStream.MoveNext());
        var challenge = call.ResponseStream.Current.Challenge;
        Assert.NotNull(challenge);

        var binding = new HandshakeBinding(
            genesisHash,
            CertificateHash(clientCertificate),
            CertificateHash(target.Certificate),
            new Hash32(claimed),
            target.ValidatorKey,
            nonce,
            new Hash32(challenge.Nonce.Span));

        // The listener proved its key over the same transcript.
        Assert.True(HandshakeTranscript.Verify(HandshakeRole.Listener, binding, challenge.Signature.Span));

        await call.RequestStream.WriteAsync(new PeerClientFrame
        {
            Proof = new PeerProof { Signature = ByteString.CopyFrom(HandshakeTranscript.Sign(signer, HandshakeRole.Dialler, binding)) },
        });
        Assert.True(await call.ResponseStream.MoveNext());
        var accepted = call.ResponseStream.Current.Accepted;
        Assert.NotNull(accepted);
        return accepted.SessionId.ToByteArray();
    }
}

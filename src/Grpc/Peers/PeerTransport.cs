using System.Net;
using System.Security.Cryptography.X509Certificates;
using GovChain.Core.Genesis;
using GovChain.Grpc.Server;
using Grpc.Core;

namespace GovChain.Grpc.Peers;

/// <summary>
/// How peers reach each other: mutual TLS with the department certificates pinned in genesis,
/// or plaintext h2c for loopback development and tests. The validator-key handshake runs in
/// both; only TLS protects what follows it (see <see cref="Plaintext"/>).
/// </summary>
public sealed class PeerTransport
{
    private PeerTransport(X509Certificate2? certificate) => Certificate = certificate;

    /// <summary>
    /// HTTP/2 without TLS, accepted only when every genesis endpoint is a loopback address and
    /// every caller comes from loopback. The handshake still proves each side holds its
    /// validator key, with fresh nonces, so a process that lacks the key cannot open a session.
    /// It does not protect the session after the handshake: anyone able to read or write the
    /// loopback traffic (another local user with packet capture, a local proxy) could read
    /// messages, inject or alter frames, or replay the session id on Gossip and FetchBlocks.
    /// </summary>
    public static PeerTransport Plaintext { get; } = new(null);

    /// <summary>This node's TLS certificate with its private key; null in plaintext mode.</summary>
    public X509Certificate2? Certificate { get; }

    public bool IsTls => Certificate is not null;

    /// <summary>Mutual TLS: <paramref name="nodeCertificate"/> must be the certificate genesis lists for this node's department.</summary>
    public static PeerTransport MutualTls(X509Certificate2 nodeCertificate)
    {
        ArgumentNullException.ThrowIfNull(nodeCertificate);
        if (!nodeCertificate.HasPrivateKey)
        {
            throw new ArgumentException("the node certificate must hold its private key", nameof(nodeCertificate));
        }

        return new PeerTransport(nodeCertificate);
    }

    /// <summary>
    /// The security the node's peer endpoint must listen with: mutual TLS trusting exactly the
    /// genesis department certificates, or plaintext. The peer service checks each caller's
    /// certificate against genesis again, by exact bytes, whatever the server accepted.
    /// </summary>
    public ServerSecurity CreateServerSecurity(GenesisDocument genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        if (Certificate is null)
        {
            return ServerSecurity.Plaintext;
        }

        var trusted = new X509Certificate2Collection();
        foreach (var department in genesis.Proto.Departments)
        {
            if (department.TlsCertificate.Length > 0)
            {
                trusted.Add(X509CertificateLoader.LoadCertificate(department.TlsCertificate.Span));
            }
        }

        return ServerSecurity.MutualTls(Certificate, trusted);
    }

    /// <summary>
    /// The security the node's peer endpoint must listen with when its membership follows the
    /// chain: mutual TLS accepting, at each handshake, the certificates the network's committed
    /// membership lists (a department added, removed or re-certified is seen at once), or plaintext.
    /// </summary>
    public ServerSecurity CreateServerSecurity(GrpcPeerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Certificate is null
            ? ServerSecurity.Plaintext
            : ServerSecurity.MutualTls(Certificate, client => network.AcceptsCertificate(client.RawDataMemory.Span));
    }

    /// <summary>True for a host that names this machine's loopback interface.</summary>
    internal static bool IsLoopbackHost(string host)
    {
        var trimmed = host.Trim('[', ']');
        if (string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(trimmed, out var address) && IPAddress.IsLoopback(address);
    }
}

using System.Security.Cryptography.X509Certificates;

namespace GovChain.Grpc.Server;

/// <summary>Transport security of a server.</summary>
public sealed class ServerSecurity
{
    private ServerSecurity(X509Certificate2? certificate, X509Certificate2Collection? trustedClients)
    {
        Certificate = certificate;
        TrustedClientCertificates = trustedClients;
    }

    /// <summary>HTTP/2 over plain TCP (h2c with prior knowledge). For loopback development only.</summary>
    public static ServerSecurity Plaintext { get; } = new(null, null);

    public X509Certificate2? Certificate { get; }

    /// <summary>Set for mutual TLS: a client must present one of these, or a certificate issued by one.</summary>
    public X509Certificate2Collection? TrustedClientCertificates { get; }

    public bool IsTls => Certificate is not null;

    /// <summary>Set for mutual TLS decided per handshake: a client certificate is accepted when this says so (a membership that changes at run time).</summary>
    public Func<X509Certificate2, bool>? ClientCertificateCheck { get; private init; }

    /// <summary>TLS with the given server certificate (which must hold its private key).</summary>
    public static ServerSecurity Tls(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the server certificate must hold its private key", nameof(certificate));
        }

        return new ServerSecurity(certificate, null);
    }

    /// <summary>Mutual TLS: a client without a certificate in (or issued by one in) <paramref name="trustedClients"/> is refused during the handshake.</summary>
    public static ServerSecurity MutualTls(X509Certificate2 certificate, X509Certificate2Collection trustedClients)
    {
        ArgumentNullException.ThrowIfNull(trustedClients);
        if (trustedClients.Count == 0)
        {
            throw new ArgumentException("mutual TLS needs at least one trusted client certificate", nameof(trustedClients));
        }

        var tls = Tls(certificate);
        return new ServerSecurity(tls.Certificate, [.. trustedClients]);
    }

    /// <summary>Mutual TLS whose accepted client certificates are decided at each handshake by <paramref name="acceptClient"/> (it must be fast and thread-safe).</summary>
    public static ServerSecurity MutualTls(X509Certificate2 certificate, Func<X509Certificate2, bool> acceptClient)
    {
        ArgumentNullException.ThrowIfNull(acceptClient);
        var tls = Tls(certificate);
        return new ServerSecurity(tls.Certificate, null) { ClientCertificateCheck = acceptClient };
    }
}

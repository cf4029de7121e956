using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GovChain.Node.Security;

/// <summary>
/// The TLS identities of department nodes: one self-signed ECDSA P-256 certificate per node,
/// pinned in genesis. Peers trust exactly the certificates genesis lists — no certificate
/// authority is involved, so no outside party can mint a department's identity.
/// </summary>
public static class DepartmentCertificates
{
    public static X509Certificate2 Create(string departmentId, IEnumerable<string> hostNames, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(departmentId);
        ArgumentNullException.ThrowIfNull(hostNames);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            new X500DistinguishedName($"CN={departmentId}, O=GovChain"), key, HashAlgorithmName.SHA256);

        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hostNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // Both: every node is a TLS server to its peers and a TLS client of them.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));

        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        return request.CreateSelfSigned(now, now.Add(validity));
    }

    /// <summary>Writes the certificate (PEM, world-readable) and its private key (PEM, mode 0600).</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        GovChain.Core.Crypto.KeyFile.WritePrivate(keyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
    }

    /// <summary>Loads a certificate with its private key from PEM files, with errors that name the file.</summary>
    public static X509Certificate2 LoadPem(string certificatePath, string keyPath)
    {
        try
        {
            using var pemCert = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            // Kestrel on Linux needs a certificate whose key is not ephemeral; a PKCS#12 round trip gives one.
            return X509CertificateLoader.LoadPkcs12(pemCert.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
        {
            throw new InvalidOperationException($"Cannot load TLS certificate '{certificatePath}' with key '{keyPath}': {ex.Message}", ex);
        }
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using GovChain.Core.Security;

namespace GovChain.Client;

/// <summary>
/// Whether the node's TLS certificate is one the client was told to trust: exactly one of the
/// trusted certificates (a department's own, pinned in genesis), or one that chains to a
/// trusted certificate used as a root (a department CA) and names the host dialled.
/// </summary>
internal static class ServerCertificateTrust
{
    public static bool IsTrusted(X509Certificate2 certificate, X509Certificate2Collection trusted, SslPolicyErrors errors) =>
        trusted.Count > 0
        && (CertificatePins.IsPinned(certificate, trusted)

            // A pinned certificate is trusted whatever host it was reached by; a CA-issued one must name it.
            || ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && CertificatePins.ChainsTo(certificate, trusted)));
}

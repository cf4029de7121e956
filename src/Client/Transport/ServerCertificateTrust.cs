using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace GovChain.Client;

/// <summary>
/// Whether the node's TLS certificate is one the client was told to trust: exactly one of the
/// trusted certificates (a department's own, pinned in genesis), or one that chains to a
/// trusted certificate used as a root (a department CA) and names the host dialled.
/// </summary>
internal static class ServerCertificateTrust
{
    public static bool IsTrusted(X509Certificate2 certificate, X509Certificate2Collection trusted, SslPolicyErrors errors)
    {
        if (trusted.Count == 0)
        {
            return false;
        }

        // A pinned certificate is trusted as it is: genesis names it, whatever host it was reached by.
        var raw = certificate.RawDataMemory.Span;
        foreach (var candidate in trusted)
        {
            if (candidate.RawDataMemory.Span.SequenceEqual(raw))
            {
                return true;
            }
        }

        return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && ChainsToTrusted(certificate, trusted);
    }

    private static bool ChainsToTrusted(X509Certificate2 certificate, X509Certificate2Collection trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }
}

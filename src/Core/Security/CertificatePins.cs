using System.Security.Cryptography.X509Certificates;

namespace GovChain.Core.Security;

/// <summary>
/// Trust in a TLS certificate decided by what we were told to trust and nothing else: exactly one
/// of the trusted certificates (a department's own, pinned in genesis), or one that chains to a
/// trusted certificate used as a root (a department CA). The machine's root store plays no part.
/// Used by the node's listeners and by the SDK alike.
/// </summary>
public static class CertificatePins
{
    /// <summary>True when <paramref name="certificate"/> is, byte for byte, one of <paramref name="trusted"/>.</summary>
    public static bool IsPinned(X509Certificate2 certificate, X509Certificate2Collection trusted)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trusted);
        var raw = certificate.RawDataMemory.Span;
        foreach (var candidate in trusted)
        {
            if (candidate.RawDataMemory.Span.SequenceEqual(raw))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="trusted"/> used as a root (no revocation or download).</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection trusted)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trusted);
        if (trusted.Count == 0)
        {
            return false;
        }

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

using System.Security.Cryptography.X509Certificates;

namespace GovChain.Grpc.Server;

/// <summary>
/// Decides whether a peer certificate is one we were told to trust: either exactly one of the
/// trusted certificates (pinning a department's own certificate), or one that chains to a
/// trusted certificate used as a root (a department CA). The machine's root store plays no part.
/// </summary>
internal static class CertificateTrust
{
    public static bool IsTrusted(X509Certificate2? certificate, X509Certificate2Collection trusted)
    {
        if (certificate is null || trusted.Count == 0)
        {
            return false;
        }

        var raw = certificate.RawDataMemory.Span;
        foreach (var candidate in trusted)
        {
            if (candidate.RawDataMemory.Span.SequenceEqual(raw))
            {
                return true;
            }
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

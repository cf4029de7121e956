using System.Security.Cryptography.X509Certificates;
using GovChain.Client;
using GovChain.Core.Genesis;

namespace GovChain.Cli.Localnet;

/// <summary>SDK clients of a network's nodes, trusting exactly the TLS certificates genesis pins.</summary>
internal static class NodeClients
{
    public static X509Certificate2Collection PinnedCertificates(GenesisDocument genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var pinned = new X509Certificate2Collection();
        foreach (var d in genesis.Proto.Departments)
        {
            if (!d.TlsCertificate.IsEmpty)
            {
                pinned.Add(X509CertificateLoader.LoadCertificate(d.TlsCertificate.Span));
            }
        }

        return pinned;
    }

    public static GovChainClient Create(Uri address, X509Certificate2Collection? pinned, TimeSpan timeout, RetryPolicy? retry = null) =>
        new(address, new GovChainClientOptions
        {
            Channel = new GovChainChannelOptions { TrustedServerCertificates = pinned is { Count: > 0 } ? pinned : null },
            DefaultTimeout = timeout,
            DefaultWaitTimeout = TimeSpan.FromSeconds(60),
            Retry = retry ?? RetryPolicy.Default,
        });
}

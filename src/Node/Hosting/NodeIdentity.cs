using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Node.Configuration;
using GovChain.Node.Security;
using GovChain.Protocol;

namespace GovChain.Node.Hosting;

/// <summary>
/// What a node is, loaded from its configuration and checked against genesis: the chain, the
/// department, its validator key (null for a follower) and its TLS material. Every failure is
/// a <see cref="NodeConfigurationException"/> naming the setting.
/// </summary>
public sealed class NodeIdentity : IDisposable
{
    private NodeIdentity(GenesisDocument genesis, Department department, KeyPair? key, X509Certificate2? certificate, X509Certificate2Collection trusted)
    {
        Genesis = genesis;
        Department = department;
        ValidatorKey = key;
        Certificate = certificate;
        TrustedClientCertificates = trusted;
    }

    public GenesisDocument Genesis { get; }

    public Department Department { get; }

    /// <summary>The validator's key; null when the node only follows.</summary>
    public KeyPair? ValidatorKey { get; }

    /// <summary>The node's TLS certificate with its key; null for plaintext on loopback.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Certificates of other departments a client must present under mutual TLS (empty: no client certificate asked).</summary>
    public X509Certificate2Collection TrustedClientCertificates { get; }

    /// <summary>Loads genesis, key and certificates; <paramref name="validatorKey"/> overrides the key file (tests, embedders).</summary>
    public static NodeIdentity Load(NodeOptions options, KeyPair? validatorKey = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        GenesisDocument genesis;
        try
        {
            genesis = GenesisDocument.Load(options.GenesisFile);
        }
        catch (Exception ex) when (ex is GenesisValidationException or IOException or UnauthorizedAccessException or FormatException)
        {
            throw new NodeConfigurationException($"GenesisFile: {options.GenesisFile} is not a usable genesis document: {ex.Message}", ex);
        }

        // An observer is no department: its DepartmentId names it (the agency, auditor or citizen) in logs and status.
        var department = options.Observer.Enabled
            ? genesis.FindDepartment(options.DepartmentId)?.Clone() ?? new Department { Id = options.DepartmentId, Name = options.DepartmentId }
            : genesis.FindDepartment(options.DepartmentId)
            ?? throw new NodeConfigurationException($"DepartmentId: '{options.DepartmentId}' is not a department of chain '{genesis.ChainId}'.");
        var key = validatorKey ?? ReadKey(options);
        try
        {
            if (key is not null && !department.ValidatorKey.Span.SequenceEqual(key.PublicKey))
            {
                throw new NodeConfigurationException(
                    $"ValidatorKeyFile: key {key.PublicKeyHex[..16]}… is not the validator key of department '{department.Id}' in genesis.");
            }

            var (certificate, trusted) = ReadTls(options.Tls);
            return new NodeIdentity(genesis, department, key, certificate, trusted);
        }
        catch
        {
            if (validatorKey is null)
            {
                key?.Dispose();
            }

            throw;
        }
    }

    public void Dispose()
    {
        ValidatorKey?.Dispose();
        Certificate?.Dispose();
        foreach (var c in TrustedClientCertificates)
        {
            c.Dispose();
        }
    }

    private static KeyPair? ReadKey(NodeOptions options)
    {
        if (options.ValidatorKeyFile.Length == 0)
        {
            return null;
        }

        string passphrase;
        if (options.ValidatorPassphrase.Length > 0)
        {
            passphrase = options.ValidatorPassphrase;
        }
        else
        {
            try
            {
                passphrase = File.ReadLines(options.ValidatorPassphraseFile).FirstOrDefault() ?? string.Empty;
            }
            catch (IOException ex)
            {
                throw new NodeConfigurationException($"ValidatorPassphraseFile: {options.ValidatorPassphraseFile} cannot be read: {ex.Message}", ex);
            }
        }

        try
        {
            return KeyFile.Read(options.ValidatorKeyFile, passphrase);
        }
        catch (Exception ex) when (ex is KeyFileException or IOException or CryptographicException)
        {
            throw new NodeConfigurationException($"ValidatorKeyFile: {ex.Message}", ex);
        }
    }

    private static (X509Certificate2?, X509Certificate2Collection) ReadTls(TlsOptions tls)
    {
        var trusted = new X509Certificate2Collection();
        if (!tls.Enabled)
        {
            return (null, trusted);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = DepartmentCertificates.LoadPem(tls.CertificateFile, tls.KeyFile);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
        {
            throw new NodeConfigurationException($"Tls:CertificateFile: {tls.CertificateFile} with key {tls.KeyFile} cannot be loaded: {ex.Message}", ex);
        }

        for (var i = 0; i < tls.TrustedClientCertificateFiles.Count; i++)
        {
            var file = tls.TrustedClientCertificateFiles[i];
            try
            {
                trusted.Add(X509Certificate2.CreateFromPem(File.ReadAllText(file)));
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
            {
                certificate.Dispose();
                throw new NodeConfigurationException($"Tls:TrustedClientCertificateFiles:{i}: {file} is not a PEM certificate: {ex.Message}", ex);
            }
        }

        return (certificate, trusted);
    }
}

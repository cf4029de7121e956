using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Node.Configuration;
using GovChain.Node.Security;
using GovChain.Protocol;

namespace GovChain.Node.Hosting;

/// <summary>
/// What a node is, loaded from its configuration: the chain, the department, its validator keys
/// (none for a follower) and its TLS material. Which key and certificate the department is
/// registered with is the committed state's to say, not genesis's (governance rotates them), so
/// the node checks its keys against the state once its database is open
/// (<see cref="RequireRegisteredKey"/>). Every failure is a <see cref="NodeConfigurationException"/> naming the setting.
/// </summary>
public sealed class NodeIdentity : IDisposable
{
    private readonly bool _ownsKeys;

    private NodeIdentity(GenesisDocument genesis, Department department, IReadOnlyList<KeyPair> keys, bool ownsKeys, X509Certificate2? certificate, X509Certificate2Collection trusted)
    {
        Genesis = genesis;
        Department = department;
        ValidatorKeys = keys;
        _ownsKeys = ownsKeys;
        Certificate = certificate;
        TrustedClientCertificates = trusted;
    }

    public GenesisDocument Genesis { get; }

    /// <summary>The department as genesis lists it; one that governance added later has only its id here.</summary>
    public Department Department { get; }

    /// <summary>The validator's first key; null when the node only follows.</summary>
    public KeyPair? ValidatorKey => ValidatorKeys.Count > 0 ? ValidatorKeys[0] : null;

    /// <summary>Every key the node may be registered with (ValidatorKeyFile, then ValidatorKeyFiles); empty for a follower.</summary>
    public IReadOnlyList<KeyPair> ValidatorKeys { get; }

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

        // A department governance adds after genesis starts from genesis alone and learns its record by syncing;
        // an observer is no department: its DepartmentId names it (the agency, auditor or citizen) in logs and status.
        var department = genesis.FindDepartment(options.DepartmentId) ?? new Department { Id = options.DepartmentId, Name = options.DepartmentId };
        var keys = new List<KeyPair>();
        try
        {
            if (validatorKey is not null)
            {
                keys.Add(validatorKey);
            }
            else
            {
                ReadKeys(options, keys);
            }

            var (certificate, trusted) = ReadTls(options.Tls);
            return new NodeIdentity(genesis, department, keys, validatorKey is null, certificate, trusted);
        }
        catch
        {
            if (validatorKey is null)
            {
                keys.ForEach(k => k.Dispose());
            }

            throw;
        }
    }

    /// <summary>
    /// Refuses a validator none of whose keys is the one the committed state registers for its
    /// department among <paramref name="members"/>, or a department that is not a member whose key
    /// is a member's. A fresh database knows only genesis: a node wiped after a rotation lists its
    /// genesis key too, to sync up to the rotation.
    /// </summary>
    public void RequireRegisteredKey(IReadOnlyList<Department> members, ulong height)
    {
        ArgumentNullException.ThrowIfNull(members);
        var registered = members.FirstOrDefault(d => d.Id == Department.Id);
        if (registered is null && members.FirstOrDefault(d => HoldsKey(d.ValidatorKey.Span)) is { } other)
        {
            // Not a member yet is fine (governance adds it later); a member's key under another name is a misconfiguration.
            throw new NodeConfigurationException(
                $"DepartmentId: '{Department.Id}' is not a department of chain '{Genesis.ChainId}' at height {height}, and the configured validator key is the one of '{other.Id}'.");
        }

        if (ValidatorKeys.Count == 0 || registered is null || HoldsKey(registered.ValidatorKey.Span))
        {
            return;
        }

        throw new NodeConfigurationException(
            $"ValidatorKeyFile: no configured key ({string.Join(", ", ValidatorKeys.Select(k => k.PublicKeyHex[..16] + "…"))}) is the validator key of department '{registered.Id}' at height {height} ({Convert.ToHexStringLower(registered.ValidatorKey.Span)[..16]}…); list the rotated key in ValidatorKeyFiles.");
    }

    /// <summary>True when one of the node's keys is <paramref name="publicKey"/>.</summary>
    public bool HoldsKey(ReadOnlySpan<byte> publicKey)
    {
        foreach (var key in ValidatorKeys)
        {
            if (publicKey.SequenceEqual(key.PublicKey))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        if (_ownsKeys)
        {
            foreach (var key in ValidatorKeys)
            {
                key.Dispose();
            }
        }

        Certificate?.Dispose();
        foreach (var c in TrustedClientCertificates)
        {
            c.Dispose();
        }
    }

    private static void ReadKeys(NodeOptions options, List<KeyPair> keys)
    {
        if (options.ValidatorKeyFile.Length == 0)
        {
            return;
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

        foreach (var (setting, file) in options.ValidatorKeyFiles.Select((f, i) => ($"ValidatorKeyFiles:{i}", f)).Prepend(("ValidatorKeyFile", options.ValidatorKeyFile)))
        {
            try
            {
                keys.Add(KeyFile.Read(file, passphrase));
            }
            catch (Exception ex) when (ex is KeyFileException or IOException or CryptographicException)
            {
                throw new NodeConfigurationException($"{setting}: {ex.Message}", ex);
            }
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

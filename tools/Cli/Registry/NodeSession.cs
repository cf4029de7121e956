using System.CommandLine;
using GovChain.Cli.Commands;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Registry;

/// <summary>
/// One command's connection to a node: the node named by <c>--node</c> (a department of the
/// <c>--dir</c> network or an address), the certificates to trust, and the names the network
/// folder gives to keys (role holders, departments).
/// </summary>
internal sealed class NodeSession : IDisposable
{
    /// <summary>Unreachable nodes are retried briefly: an operator would rather hear at once.</summary>
    private static readonly RetryPolicy CliRetry = new() { MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(1) };

    private readonly List<IDisposable> _owned = [];

    private NodeSession(Uri address, NetworkLayout? layout, NetworkManifest? manifest, GenesisDocument? genesis, TimeSpan timeout)
    {
        Address = address;
        Layout = layout;
        Manifest = manifest;
        Genesis = genesis;
        Timeout = timeout;
        var pinned = genesis is null ? null : NodeClients.PinnedCertificates(genesis);
        Client = NodeClients.Create(address, pinned, timeout, CliRetry);
    }

    public Uri Address { get; }

    public NetworkLayout? Layout { get; }

    public NetworkManifest? Manifest { get; }

    /// <summary>The genesis of the --dir network or --genesis file; null when neither was given.</summary>
    public GenesisDocument? Genesis { get; }

    public TimeSpan Timeout { get; }

    public GovChainClient Client { get; }

    public static NodeSession Open(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var dir = result.GetValue(RegistryOptions.Dir);
        if (string.IsNullOrEmpty(dir))
        {
            dir = Environment.GetEnvironmentVariable(RegistryOptions.NetworkEnvironmentVariable);
        }

        NetworkLayout? layout = null;
        NetworkManifest? manifest = null;
        GenesisDocument? genesis = null;
        if (!string.IsNullOrEmpty(dir))
        {
            layout = new NetworkLayout(dir);
            manifest = layout.ReadManifest();
            genesis = LocalnetOperations.LoadGenesis(layout);
        }

        if (result.GetValue(RegistryOptions.Genesis) is { Length: > 0 } genesisFile)
        {
            genesis = LocalnetOperations.LoadGenesis(new NetworkLayout(Path.GetDirectoryName(Path.GetFullPath(genesisFile))!), genesisFile);
        }

        var address = ResolveAddress(result.GetValue(RegistryOptions.Node), manifest);
        return new NodeSession(address, layout, manifest, genesis, TimeSpan.FromSeconds(result.GetValue(RegistryOptions.Timeout)));
    }

    /// <summary>
    /// The signer's key from <c>--key</c>: a key file opened with its passphrase, or a role holder
    /// of the network folder opened with the passphrase <c>network init</c> wrote beside it.
    /// </summary>
    public KeyPair OpenSigner(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var value = result.GetValue(RegistryOptions.Key)!;
        var passphraseFile = result.GetValue(KeysCommand.PassphraseFileOption);
        var path = value;
        if (!File.Exists(path) && Layout is not null && IsRoleHolder(value))
        {
            path = Layout.RoleKeyFile(value);
            if (string.IsNullOrEmpty(passphraseFile) && File.Exists(Layout.RolePassphraseFile(value)))
            {
                passphraseFile = Layout.RolePassphraseFile(value);
            }
        }

        if (!File.Exists(path))
        {
            throw new CliError($"--key: no key file '{value}'{(Layout is null ? string.Empty : " and no role holder of that name in the network folder")}");
        }

        try
        {
            var key = KeyFile.Read(path, Passphrases.Read(passphraseFile, confirm: false));
            _owned.Add(key);
            return key;
        }
        catch (KeyFileException ex)
        {
            throw new CliError($"--key: {ex.Message}");
        }
    }

    /// <summary>
    /// A party's public key from an option's value: 64 hex digits, a key file (its public part,
    /// no passphrase needed), or a role holder's name in the network folder.
    /// </summary>
    public byte[] ResolveParty(string value, string option)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 2 * Ed25519.PublicKeySize && Hex.TryDecode(value, out var raw))
        {
            return raw;
        }

        if (File.Exists(value))
        {
            try
            {
                return KeyFile.ReadPublicKey(value);
            }
            catch (KeyFileException ex)
            {
                throw new CliError($"{option}: {ex.Message}");
            }
        }

        var holder = Manifest?.RoleHolders.FirstOrDefault(h => string.Equals(h.Name, value, StringComparison.Ordinal));
        if (holder is not null && Hex.TryDecode(holder.PublicKey, out var key))
        {
            return key;
        }

        throw new CliError($"{option}: '{value}' is not a public key (64 hex digits), a key file, or a role holder of the network folder");
    }

    /// <summary>The department whose validator key this is, else a short hex prefix: how blocks name proposers and signers.</summary>
    public string NameOfValidator(ReadOnlySpan<byte> key) =>
        Genesis?.FindDepartmentByKey(key)?.Id ?? Hex.Encode(key);

    public void Dispose()
    {
        Client.Dispose();
        foreach (var o in _owned)
        {
            o.Dispose();
        }
    }

    private bool IsRoleHolder(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && File.Exists(Layout!.RoleKeyFile(name));

    private static Uri ResolveAddress(string? node, NetworkManifest? manifest)
    {
        if (string.IsNullOrEmpty(node))
        {
            return manifest?.Departments[0].ClientUri
                ?? throw new CliError("name the node: --node URL, or --dir FOLDER (optionally with --node DEPARTMENT)");
        }

        if (node.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(node, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new CliError($"--node '{node}' is not an http:// or https:// address");
            }

            return uri;
        }

        if (manifest is null)
        {
            throw new CliError($"--node '{node}': a department name needs --dir FOLDER (or ${RegistryOptions.NetworkEnvironmentVariable}); otherwise give https://host:port");
        }

        return manifest.Departments.FirstOrDefault(d => string.Equals(d.Id, node, StringComparison.Ordinal))?.ClientUri
            ?? throw new CliError($"--node '{node}' is not a department of the network ({string.Join(", ", manifest.Departments.Select(d => d.Id))})");
    }
}

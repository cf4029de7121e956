using System.CommandLine;
using GovChain.Cli.Commands;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using Grpc.Core;

namespace GovChain.Cli.Connection;

/// <summary>
/// How every command reaches a node: the node named by <c>--node</c> (a department of the
/// <c>--dir</c> network, or an address), the genesis to trust (<c>--genesis</c>, else the
/// folder's) for TLS pins and for checking what the node answers, the <c>--timeout</c>, and the
/// names the network folder gives to keys (role holders, departments).
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
        var dir = ConnectionOptions.NetworkFolder(result);

        NetworkLayout? layout = null;
        NetworkManifest? manifest = null;
        GenesisDocument? genesis = null;
        if (!string.IsNullOrEmpty(dir))
        {
            layout = new NetworkLayout(dir);
            manifest = layout.ReadManifest();
            genesis = LocalnetOperations.LoadGenesis(layout);
        }

        if (result.GetValue(ConnectionOptions.Genesis) is { Length: > 0 } genesisFile)
        {
            genesis = LoadGenesis(genesisFile);
        }

        var address = ResolveAddress(result.GetValue(ConnectionOptions.Node), manifest);
        return new NodeSession(address, layout, manifest, genesis, TimeSpan.FromSeconds(result.GetValue(ConnectionOptions.Timeout)));
    }

    /// <summary>A genesis file named on the command line, or a one-line error saying why it cannot be used.</summary>
    public static GenesisDocument LoadGenesis(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return LocalnetOperations.LoadGenesis(new NetworkLayout(Path.GetDirectoryName(Path.GetFullPath(file))!), file);
    }

    /// <summary>A node's client API address from an option's value: http:// or https:// only.</summary>
    public static Uri ParseAddress(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new CliError($"--node '{value}' is not an http:// or https:// address");
    }

    /// <summary>
    /// The node's status: the first call of a command that does several, so an unreachable node or
    /// a node of another chain than the trusted genesis is one clear error before anything else.
    /// </summary>
    public async Task<Protocol.NodeStatus> CheckReachableAsync(CancellationToken cancellationToken)
    {
        Protocol.NodeStatus status;
        try
        {
            status = await Client.GetStatusAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unknown or StatusCode.Internal)
        {
            throw new CliError($"cannot reach the node at {Address}: {ex.Status.Detail}", ExitCodes.Unreachable);
        }

        if (Genesis is not null && !string.Equals(Genesis.ChainId, status.ChainId, StringComparison.Ordinal))
        {
            throw new CliError($"the node at {Address} is of chain '{status.ChainId}', the genesis trusted is of '{Genesis.ChainId}'", ExitCodes.BadInput);
        }

        return status;
    }

    /// <summary>
    /// The signer's key from <c>--key</c>: a key file opened with its passphrase, or a role holder
    /// of the network folder opened with the passphrase <c>network init</c> wrote beside it.
    /// </summary>
    public KeyPair OpenSigner(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var value = result.GetValue(ConnectionOptions.Key)!;
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
            throw new CliError($"--key: key file '{value}' does not exist{(Layout is null ? string.Empty : ", and the network folder has no role holder of that name")}");
        }

        try
        {
            var key = KeyFile.Read(path, Passphrases.Read(passphraseFile, confirm: false));
            _owned.Add(key);
            return key;
        }
        catch (KeyFileException ex)
        {
            throw new CliError($"--key: cannot open key file '{path}': {ex.Message}");
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
            return ParseAddress(node);
        }

        if (manifest is null)
        {
            throw new CliError($"--node '{node}': a department name needs --dir FOLDER (or ${ConnectionOptions.NetworkEnvironmentVariable}); otherwise give https://host:port");
        }

        return manifest.Departments.FirstOrDefault(d => string.Equals(d.Id, node, StringComparison.Ordinal))?.ClientUri
            ?? throw new CliError($"--node '{node}' is not a department of the network ({string.Join(", ", manifest.Departments.Select(d => d.Id))})");
    }
}

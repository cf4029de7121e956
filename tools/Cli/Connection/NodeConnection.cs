using System.CommandLine;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using GovChain.Client;
using GovChain.Core.Genesis;
using GovChain.Rpc;

namespace GovChain.Cli.Connection;

/// <summary>
/// The node a command talks to: <c>--node URL</c>, or the first node of a network folder
/// (<c>--dir</c>); TLS is pinned to the certificates of the genesis (<c>--genesis</c>, or the
/// folder's), never to the machine's certificate store.
/// </summary>
internal sealed class NodeConnection
{
    private NodeConnection(Uri address, GenesisDocument? genesis)
    {
        Address = address;
        Genesis = genesis;
    }

    public Uri Address { get; }

    /// <summary>The genesis the user trusts, when one was named: for TLS pins and for checking proofs.</summary>
    public GenesisDocument? Genesis { get; }

    /// <summary>The options a command adds to reach a node.</summary>
    internal sealed class Options
    {
        public Option<string?> Node { get; } = new("--node") { Description = "The node's client API: https://host:port (or http:// for a node without TLS)." };

        public Option<string?> Dir { get; } = new("--dir") { Description = "A network folder (from 'govchain network init'): its first node, and its genesis." };

        public Option<string?> Genesis { get; } = new("--genesis") { Description = "The genesis file to trust: pins the nodes' TLS certificates and checks what they answer." };

        public void AddTo(Command command)
        {
            command.Options.Add(Node);
            command.Options.Add(Dir);
            command.Options.Add(Genesis);
        }

        public NodeConnection Resolve(ParseResult result) => NodeConnection.Resolve(result.GetValue(Node), result.GetValue(Dir), result.GetValue(Genesis));
    }

    public static NodeConnection Resolve(string? node, string? dir, string? genesisFile)
    {
        GenesisDocument? genesis = null;
        Uri? address = null;
        if (!string.IsNullOrEmpty(dir))
        {
            var layout = new NetworkLayout(dir);
            if (!layout.HasNetwork)
            {
                throw new CliError($"'{dir}' is not a network folder (no network.json and genesis.json); create one with 'govchain network init'");
            }

            address = layout.ReadManifest().Departments.FirstOrDefault()?.ClientUri
                ?? throw new CliError($"the network folder '{dir}' lists no department");
            genesis = LocalnetOperations.LoadGenesis(layout);
        }

        if (!string.IsNullOrEmpty(node))
        {
            if (!Uri.TryCreate(node, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new CliError($"--node '{node}' is not an http:// or https:// address");
            }

            address = uri;
        }

        if (!string.IsNullOrEmpty(genesisFile))
        {
            genesis = LoadGenesis(genesisFile);
        }

        return address is null
            ? throw new CliError("name the node: --node URL or --dir FOLDER")
            : new NodeConnection(address, genesis);
    }

    /// <summary>A genesis file, or a one-line error saying why it cannot be used.</summary>
    public static GenesisDocument LoadGenesis(string file)
    {
        if (!File.Exists(file))
        {
            throw new CliError($"genesis file '{file}' does not exist");
        }

        try
        {
            return GenesisDocument.Load(file);
        }
        catch (GenesisValidationException ex)
        {
            throw new CliError(ex.Message);
        }
    }

    public GovChainClient CreateClient(TimeSpan timeout) =>
        NodeClients.Create(Address, Genesis is null ? null : NodeClients.PinnedCertificates(Genesis), timeout);

    /// <summary>The node's status, or a one-line error when it cannot be reached (the first call of every command).</summary>
    public async Task<Protocol.NodeStatus> CheckReachableAsync(GovChainClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await client.GetStatusAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unknown or StatusCode.Internal)
        {
            throw new CliError($"cannot reach the node at {Address}: {ex.Status.Detail}", 6);
        }
    }
}

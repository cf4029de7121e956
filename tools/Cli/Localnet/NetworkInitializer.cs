using GovChain.Cli.Infrastructure;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Setup;

namespace GovChain.Cli.Localnet;

/// <summary>What <c>govchain network init</c> is asked to create.</summary>
internal sealed record NetworkInitRequest(string OutputDirectory, IReadOnlyList<string> Departments, string ChainId, int BasePort, bool Force)
{
    /// <summary>The names each department is reached by (from --endpoints); those left out: loopback.</summary>
    public IReadOnlyDictionary<string, DepartmentHosts> Hosts { get; init; } = new Dictionary<string, DepartmentHosts>();
}

/// <summary>
/// Creates a whole network folder: per department a validator key, a TLS identity and a node
/// configuration; role holders for the registries; a genesis pinning every certificate.
/// Secrets of a local network sit in 0600 files beside the keys — for local networks only.
/// </summary>
internal static class NetworkInitializer
{
    public static readonly string[] DefaultDepartments = [.. NetworkBlueprint.DefaultDepartments];

    /// <summary>Argon2id at its interactive cost: a local network's nodes and demo open these keys often.</summary>
    private static readonly KeyFile.KdfCost LocalKeyCost = KeyFile.Interactive;

    public static NetworkManifest Initialize(NetworkInitRequest request, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var blueprint = new NetworkBlueprint
        {
            ChainId = request.ChainId,
            Departments = request.Departments,
            RoleHolders = request.Departments.Count > 0 ? NetworkBlueprint.StandardRoleHolders(request.Departments) : [],
            BasePort = request.BasePort,
            Hosts = request.Hosts,
            KeyCost = LocalKeyCost,
        };

        // Checked before the folder is touched: a bad request writes nothing.
        var layout = new NetworkLayout(request.OutputDirectory);
        using var network = Generate(blueprint, () => PrepareFolder(layout, request.Force));
        network.WriteTo(layout.Root, progress);

        var manifest = new NetworkManifest { ChainId = request.ChainId };
        manifest.Departments.AddRange(network.Departments.Select(d => new ManifestDepartment { Id = d.Id, ClientAddress = d.ClientAddress, PeerAddress = d.PeerAddress }));
        manifest.RoleHolders.AddRange(network.RoleHolders.Select(h => new ManifestRoleHolder { Name = h.Name, Role = h.Role, DepartmentId = h.DepartmentId, PublicKey = Hex.Encode(h.Key.PublicKey) }));
        layout.WriteManifest(manifest);
        File.WriteAllText(layout.ReadmeFile, Readme(request.ChainId));
        return manifest;
    }

    private static GeneratedNetwork Generate(NetworkBlueprint blueprint, Action prepareFolder)
    {
        try
        {
            blueprint.Validate();
            prepareFolder();
            return blueprint.Generate();
        }
        catch (ArgumentException ex)
        {
            throw new CliError(ex.Message);
        }
    }

    private static void PrepareFolder(NetworkLayout layout, bool force)
    {
        if (File.Exists(layout.Root))
        {
            throw new CliError($"'{layout.Root}' is a file");
        }

        if (Directory.Exists(layout.Root) && Directory.EnumerateFileSystemEntries(layout.Root).Any())
        {
            if (!force)
            {
                throw new CliError($"'{layout.Root}' is not empty; pass --force to replace what it holds");
            }

            if (Directory.EnumerateFiles(layout.Root, "node.pid", SearchOption.AllDirectories).Any())
            {
                throw new CliError($"'{layout.Root}' has nodes recorded as running; stop them first with 'govchain localnet down --dir {layout.Root}'");
            }

            Directory.Delete(layout.Root, recursive: true);
        }

        Directory.CreateDirectory(layout.Root);
    }

    private static string Readme(string chainId) => $"""
        GovChain network folder for chain '{chainId}', written by 'govchain network init'.

        FOR LOCAL NETWORKS ONLY: every key file's passphrase is stored in a .pass file (mode 0600)
        beside it, so that nodes and the demo start unattended. A production department keeps its
        validator passphrase in its secret store and gives it to the node as GOVCHAIN__ValidatorPassphrase.

        genesis.json             the chain's trust anchor: departments, validator keys, pinned TLS certificates, roles
        network.json             the nodes' client and peer addresses, for 'govchain localnet' and 'govchain status'
        <department>/node.json   the node's configuration ('govchain node run --config <department>/node.json')
        <department>/validator.key, validator.pass, tls.crt, tls.key, data/, node.log, node.pid
        roles/<holder>.key       role holders named in genesis (registrar, bank, university, ...)

        """;
}

using System.Text.Json;
using System.Text.Json.Serialization;
using GovChain.Node.Setup;

namespace GovChain.Cli.Localnet;

/// <summary>
/// Where <c>govchain network init</c> puts each file of a network folder, and the manifest
/// (<c>network.json</c>) that lets <c>localnet</c> and <c>status</c> find the nodes again.
/// </summary>
internal sealed class NetworkLayout
{
    public const string ManifestFileName = "network.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public NetworkLayout(string root)
    {
        Folder = new NetworkFolder(root);
    }

    /// <summary>The files every network folder has (genesis, keys, certificates, node configurations).</summary>
    public NetworkFolder Folder { get; }

    public string Root => Folder.Root;

    public string GenesisFile => Folder.GenesisFile;

    public string ManifestFile => Path.Combine(Root, ManifestFileName);

    public string ReadmeFile => Path.Combine(Root, "README.txt");

    public string RolesDirectory => Folder.RolesDirectory;

    public string DepartmentDirectory(string department) => Folder.DepartmentDirectory(department);

    public string ConfigFile(string department) => Folder.ConfigFile(department);

    public string ValidatorKeyFile(string department) => Folder.ValidatorKeyFile(department);

    public string ValidatorPassphraseFile(string department) => Folder.ValidatorPassphraseFile(department);

    public string CertificateFile(string department) => Folder.CertificateFile(department);

    public string CertificateKeyFile(string department) => Folder.CertificateKeyFile(department);

    public string DataDirectory(string department) => Folder.DataDirectory(department);

    public string LogFile(string department) => Path.Combine(DepartmentDirectory(department), "node.log");

    public string PidFile(string department) => Path.Combine(DepartmentDirectory(department), "node.pid");

    public string RoleKeyFile(string holder) => Folder.RoleKeyFile(holder);

    public string RolePassphraseFile(string holder) => Folder.RolePassphraseFile(holder);

    public bool HasNetwork => File.Exists(ManifestFile) && File.Exists(GenesisFile);

    public NetworkManifest ReadManifest()
    {
        if (!File.Exists(ManifestFile))
        {
            throw new Infrastructure.CliError($"'{Root}' holds no network ({ManifestFileName} is missing); run 'govchain network init --out {Root}'");
        }

        try
        {
            var manifest = JsonSerializer.Deserialize<NetworkManifest>(File.ReadAllText(ManifestFile), JsonOptions);
            if (manifest is null || manifest.Departments.Count == 0)
            {
                throw new Infrastructure.CliError($"'{ManifestFile}' lists no departments");
            }

            return manifest;
        }
        catch (JsonException ex)
        {
            throw new Infrastructure.CliError($"'{ManifestFile}' is not a valid network manifest: {ex.Message}");
        }
    }

    public void WriteManifest(NetworkManifest manifest) => File.WriteAllText(ManifestFile, JsonSerializer.Serialize(manifest, JsonOptions));
}

/// <summary>The nodes and role holders of a network folder.</summary>
internal sealed class NetworkManifest
{
    public string ChainId { get; set; } = string.Empty;

    public List<ManifestDepartment> Departments { get; set; } = [];

    public List<ManifestRoleHolder> RoleHolders { get; set; } = [];
}

internal sealed class ManifestDepartment
{
    public string Id { get; set; } = string.Empty;

    /// <summary>host:port of the client API (TLS with the department's certificate).</summary>
    public string ClientAddress { get; set; } = string.Empty;

    /// <summary>host:port of the peer listener, the endpoint genesis lists.</summary>
    public string PeerAddress { get; set; } = string.Empty;

    [JsonIgnore]
    public Uri ClientUri => new($"https://{ClientAddress}");
}

internal sealed class ManifestRoleHolder
{
    /// <summary>File stem under roles/ (registrar, bank, ...).</summary>
    public string Name { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;

    public string DepartmentId { get; set; } = string.Empty;

    public string PublicKey { get; set; } = string.Empty;
}

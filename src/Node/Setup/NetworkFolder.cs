using GovChain.Node.Configuration;

namespace GovChain.Node.Setup;

/// <summary>
/// Where each file of a network folder lives: genesis.json at the root; per department a folder
/// with node.json, validator.key (+ .pass), tls.crt, tls.key and data/; role holders' keys under
/// roles/. Node configurations name their files relative to their own folder, so the network
/// folder can be moved as a whole.
/// </summary>
public sealed class NetworkFolder
{
    public const string GenesisFileName = "genesis.json";
    public const string ConfigFileName = "node.json";
    public const string ValidatorKeyFileName = "validator.key";
    public const string ValidatorPassphraseFileName = "validator.pass";
    public const string CertificateFileName = "tls.crt";
    public const string CertificateKeyFileName = "tls.key";
    public const string DataDirectoryName = "data";
    public const string RolesDirectoryName = "roles";

    public NetworkFolder(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string GenesisFile => Path.Combine(Root, GenesisFileName);

    public string RolesDirectory => Path.Combine(Root, RolesDirectoryName);

    public string DepartmentDirectory(string department) => Path.Combine(Root, CheckedName(department));

    public string ConfigFile(string department) => Path.Combine(DepartmentDirectory(department), ConfigFileName);

    public string ValidatorKeyFile(string department) => Path.Combine(DepartmentDirectory(department), ValidatorKeyFileName);

    public string ValidatorPassphraseFile(string department) => Path.Combine(DepartmentDirectory(department), ValidatorPassphraseFileName);

    public string CertificateFile(string department) => Path.Combine(DepartmentDirectory(department), CertificateFileName);

    public string CertificateKeyFile(string department) => Path.Combine(DepartmentDirectory(department), CertificateKeyFileName);

    public string DataDirectory(string department) => Path.Combine(DepartmentDirectory(department), DataDirectoryName);

    public string RoleKeyFile(string holder) => Path.Combine(RolesDirectory, CheckedName(holder) + ".key");

    public string RolePassphraseFile(string holder) => Path.Combine(RolesDirectory, CheckedName(holder) + ".pass");

    /// <summary>
    /// The department's configuration exactly as its node process would read it (paths resolved,
    /// validated), without environment overrides: an in-process node then runs as the process would.
    /// </summary>
    public NodeOptions LoadNodeOptions(string department) => NodeOptionsLoader.Load(ConfigFile(department), includeEnvironment: false);

    /// <summary>A name becomes a path segment: refuse anything that could leave the folder.</summary>
    private static string CheckedName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a usable file name inside a network folder", nameof(name));
        }

        return name;
    }
}

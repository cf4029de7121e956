using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Node.Security;
using GovChain.Protocol;

namespace GovChain.Node.Setup;

/// <summary>One department of a generated network: its validator key, TLS identity and addresses.</summary>
public sealed class NetworkDepartment
{
    internal NetworkDepartment(string id, DepartmentHosts hosts, KeyPair validatorKey, string passphrase, X509Certificate2 certificate, int clientPort, int peerPort)
    {
        Id = id;
        Hosts = hosts;
        ValidatorKey = validatorKey;
        ValidatorPassphrase = passphrase;
        Certificate = certificate;
        ClientPort = clientPort;
        PeerPort = peerPort;
    }

    public string Id { get; }

    /// <summary>The names the node is reached by, all in its certificate; the first is its endpoints' host.</summary>
    public DepartmentHosts Hosts { get; }

    public KeyPair ValidatorKey { get; }

    /// <summary>The passphrase its key file is written with (a local network keeps it in a 0600 file beside the key).</summary>
    public string ValidatorPassphrase { get; }

    /// <summary>The self-signed TLS certificate, with its private key, that genesis pins.</summary>
    public X509Certificate2 Certificate { get; }

    public int ClientPort { get; }

    public int PeerPort { get; }

    /// <summary>host:port of the client API.</summary>
    public string ClientAddress => Hosts.Address(ClientPort);

    /// <summary>host:port of the peer listener, the endpoint genesis lists.</summary>
    public string PeerAddress => Hosts.Address(PeerPort);

    /// <summary>host:port the client API binds (an IP address: every interface for a DNS name).</summary>
    public string ClientListenAddress => $"{Hosts.ListenHost}:{ClientPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>host:port the peer listener binds.</summary>
    public string PeerListenAddress => $"{Hosts.ListenHost}:{PeerPort.ToString(CultureInfo.InvariantCulture)}";

    public Uri ClientUri => new($"https://{ClientAddress}");
}

/// <summary>A role holder of a generated network and its key.</summary>
public sealed record NetworkRoleHolder(string Name, string Role, string DepartmentId, KeyPair Key, string Passphrase);

/// <summary>
/// The keys, certificates, ports and genesis of a network, in memory (made by
/// <see cref="NetworkBlueprint.Generate"/>). <see cref="WriteTo"/> writes the network folder;
/// disposing releases every key and certificate.
/// </summary>
public sealed class GeneratedNetwork : IDisposable
{
    private GeneratedNetwork(NetworkBlueprint blueprint, GenesisDocument genesis, IReadOnlyList<NetworkDepartment> departments, IReadOnlyList<NetworkRoleHolder> roleHolders)
    {
        Blueprint = blueprint;
        Genesis = genesis;
        Departments = departments;
        RoleHolders = roleHolders;
    }

    public NetworkBlueprint Blueprint { get; }

    public GenesisDocument Genesis { get; }

    public string ChainId => Genesis.ChainId;

    public IReadOnlyList<NetworkDepartment> Departments { get; }

    public IReadOnlyList<NetworkRoleHolder> RoleHolders { get; }

    public NetworkRoleHolder RoleHolder(string name) =>
        RoleHolders.FirstOrDefault(h => h.Name == name) ?? throw new KeyNotFoundException($"the network has no role holder '{name}'");

    /// <summary>
    /// Writes genesis.json, each department's folder (encrypted validator key and its passphrase,
    /// TLS PEM files, node.json) and the role holders' keys under <paramref name="root"/>, which
    /// must be empty or missing. Secrets are written owner-only.
    /// </summary>
    public NetworkFolder WriteTo(string root, Action<string>? progress = null)
    {
        var folder = new NetworkFolder(root);
        if (Directory.Exists(folder.Root) && Directory.EnumerateFileSystemEntries(folder.Root).Any())
        {
            throw new IOException($"'{folder.Root}' is not empty: a network folder is written only into an empty or new folder");
        }

        Directory.CreateDirectory(folder.Root);
        foreach (var d in Departments)
        {
            progress?.Invoke($"department {d.Id}: validator key, TLS certificate, node configuration");
            Directory.CreateDirectory(folder.DepartmentDirectory(d.Id));
            WriteKey(folder.ValidatorKeyFile(d.Id), folder.ValidatorPassphraseFile(d.Id), d.ValidatorKey, d.ValidatorPassphrase);
            DepartmentCertificates.WritePem(d.Certificate, folder.CertificateFile(d.Id), folder.CertificateKeyFile(d.Id));
            File.WriteAllText(folder.ConfigFile(d.Id), NodeConfigFile.Write(Blueprint, d));
        }

        if (RoleHolders.Count > 0)
        {
            Directory.CreateDirectory(folder.RolesDirectory);
        }

        foreach (var h in RoleHolders)
        {
            progress?.Invoke($"role holder {h.Name}: {h.Role} of {h.DepartmentId}");
            WriteKey(folder.RoleKeyFile(h.Name), folder.RolePassphraseFile(h.Name), h.Key, h.Passphrase);
        }

        progress?.Invoke(NetworkFolder.GenesisFileName);
        File.WriteAllText(folder.GenesisFile, Genesis.ToJson());
        return folder;
    }

    public void Dispose() => Release(Departments, RoleHolders);

    internal static GeneratedNetwork Create(NetworkBlueprint blueprint)
    {
        var ports = blueprint.AssignPorts();
        var departments = new List<NetworkDepartment>(blueprint.Departments.Count);
        var holders = new List<NetworkRoleHolder>(blueprint.RoleHolders.Count);
        try
        {
            var genesis = new Genesis
            {
                ChainId = blueprint.ChainId,
                GenesisTimeUnixMs = (blueprint.GenesisTime ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
                Consensus = new ConsensusParams { MaxBlockTxs = blueprint.MaxBlockTxs, MaxBlockBytes = blueprint.MaxBlockBytes },
            };
            for (var i = 0; i < blueprint.Departments.Count; i++)
            {
                var id = blueprint.Departments[i];
                var hosts = blueprint.HostsOf(id);
                var key = KeyPair.Generate();
                X509Certificate2 certificate;
                try
                {
                    certificate = DepartmentCertificates.Create(id, hosts.Names, blueprint.CertificateValidity);
                }
                catch
                {
                    key.Dispose();
                    throw;
                }

                var department = new NetworkDepartment(id, hosts, key, NewPassphrase(), certificate, ports[i].Client, ports[i].Peer);
                departments.Add(department);
                genesis.Departments.Add(new Department
                {
                    Id = id,
                    Name = id,
                    ValidatorKey = ByteString.CopyFrom(key.PublicKey),
                    VotingPower = blueprint.VotingPower,
                    Endpoint = department.PeerAddress,
                    TlsCertificate = ByteString.CopyFrom(certificate.RawData),
                });
            }

            foreach (var spec in blueprint.RoleHolders)
            {
                var holder = new NetworkRoleHolder(spec.Name, spec.Role, spec.DepartmentId, KeyPair.Generate(), NewPassphrase());
                holders.Add(holder);
                genesis.Roles.Add(new RoleGrant { Role = spec.Role, Holder = ByteString.CopyFrom(holder.Key.PublicKey), DepartmentId = spec.DepartmentId });
            }

            return new GeneratedNetwork(blueprint, GenesisDocument.FromProto(genesis, "the new genesis"), departments, holders);
        }
        catch
        {
            Release(departments, holders);
            throw;
        }
    }

    private static void Release(IEnumerable<NetworkDepartment> departments, IEnumerable<NetworkRoleHolder> holders)
    {
        foreach (var d in departments)
        {
            d.ValidatorKey.Dispose();
            d.Certificate.Dispose();
        }

        foreach (var h in holders)
        {
            h.Key.Dispose();
        }
    }

    private static string NewPassphrase() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    private void WriteKey(string keyFile, string passphraseFile, KeyPair key, string passphrase)
    {
        KeyFile.WritePrivate(passphraseFile, Encoding.UTF8.GetBytes(passphrase + "\n"));
        KeyFile.Write(keyFile, key, passphrase, Blueprint.KeyCost);
    }
}

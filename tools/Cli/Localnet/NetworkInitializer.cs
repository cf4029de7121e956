using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GovChain.Cli.Infrastructure;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Node.Security;
using GovChain.Protocol;

namespace GovChain.Cli.Localnet;

/// <summary>What <c>govchain network init</c> is asked to create.</summary>
internal sealed record NetworkInitRequest(string OutputDirectory, IReadOnlyList<string> Departments, string ChainId, int BasePort, bool Force);

/// <summary>
/// Creates a whole network folder: per department a validator key, a TLS identity and a node
/// configuration; role holders for the registries; a genesis pinning every certificate.
/// Secrets of a local network sit in 0600 files beside the keys — for local networks only.
/// </summary>
internal static class NetworkInitializer
{
    public static readonly string[] DefaultDepartments = ["land-registry", "finance", "education", "justice"];

    /// <summary>Argon2id at its interactive cost: a local network's nodes and demo open these keys often.</summary>
    private static readonly KeyFile.KdfCost LocalKeyCost = KeyFile.Interactive;

    public static NetworkManifest Initialize(NetworkInitRequest request, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var layout = new NetworkLayout(request.OutputDirectory);
        PrepareFolder(layout, request.Force);
        Ed25519.EnsureAvailable();

        var ports = AssignPorts(request.BasePort, request.Departments.Count);
        var manifest = new NetworkManifest { ChainId = request.ChainId };
        var genesis = new Genesis
        {
            ChainId = request.ChainId,
            GenesisTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Consensus = new ConsensusParams { MaxBlockTxs = 1000 },
        };

        for (var i = 0; i < request.Departments.Count; i++)
        {
            var id = request.Departments[i];
            progress?.Invoke($"department {id}: validator key, TLS certificate, node configuration");
            Directory.CreateDirectory(layout.DepartmentDirectory(id));
            using var key = WriteKey(layout.ValidatorKeyFile(id), layout.ValidatorPassphraseFile(id));
            using var certificate = DepartmentCertificates.Create(id, ["127.0.0.1", "localhost"], TimeSpan.FromDays(365));
            DepartmentCertificates.WritePem(certificate, layout.CertificateFile(id), layout.CertificateKeyFile(id));
            var department = new ManifestDepartment { Id = id, ClientAddress = $"127.0.0.1:{ports[2 * i]}", PeerAddress = $"127.0.0.1:{ports[(2 * i) + 1]}" };
            manifest.Departments.Add(department);
            File.WriteAllText(layout.ConfigFile(id), NodeConfig(id, department).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            genesis.Departments.Add(new Department
            {
                Id = id,
                Name = id,
                ValidatorKey = ByteString.CopyFrom(key.PublicKey),
                VotingPower = 10,
                Endpoint = department.PeerAddress,
                TlsCertificate = ByteString.CopyFrom(certificate.RawData),
            });
        }

        Directory.CreateDirectory(layout.RolesDirectory);
        foreach (var (name, role, department) in RoleHolders(request.Departments))
        {
            progress?.Invoke($"role holder {name}: {role} of {department}");
            using var key = WriteKey(layout.RoleKeyFile(name), layout.RolePassphraseFile(name));
            genesis.Roles.Add(new RoleGrant { Role = role, Holder = ByteString.CopyFrom(key.PublicKey), DepartmentId = department });
            manifest.RoleHolders.Add(new ManifestRoleHolder { Name = name, Role = role, DepartmentId = department, PublicKey = Hex.Encode(key.PublicKey) });
        }

        progress?.Invoke("genesis.json");
        var document = GenesisDocument.FromProto(genesis, "the new genesis");
        File.WriteAllText(layout.GenesisFile, document.ToJson());
        layout.WriteManifest(manifest);
        File.WriteAllText(layout.ReadmeFile, Readme(request.ChainId));
        return manifest;
    }

    /// <summary>The demo's role holders: each role held for the department that does that work, or the first one.</summary>
    public static IEnumerable<(string Name, string Role, string Department)> RoleHolders(IReadOnlyList<string> departments)
    {
        string Prefer(string id) => departments.Contains(id) ? id : departments[0];
        foreach (var d in departments)
        {
            yield return ($"admin-{d}", "department.admin", d);
        }

        yield return ("registrar", "land.registrar", Prefer("land-registry"));
        yield return ("bank", "land.bank", Prefer("finance"));
        yield return ("university", "identity.issuer", Prefer("education"));
        yield return ("procurement-officer", "procurement.officer", Prefer("finance"));
        yield return ("inspector", "procurement.inspector", Prefer("justice"));
    }

    private static void Validate(NetworkInitRequest request)
    {
        if (request.Departments.Count is 0 or > 64)
        {
            throw new CliError("a network has 1 to 64 departments");
        }

        foreach (var d in request.Departments)
        {
            if (d.Length is 0 or > 64 || !d.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                throw new CliError($"department '{d}': use 1 to 64 lower-case letters, digits and '-'");
            }
        }

        if (request.Departments.Distinct(StringComparer.Ordinal).Count() != request.Departments.Count)
        {
            throw new CliError("a department is listed twice");
        }

        if (string.IsNullOrWhiteSpace(request.ChainId))
        {
            throw new CliError("--chain-id must not be empty");
        }

        if (request.BasePort != 0 && (request.BasePort < 1024 || request.BasePort + (request.Departments.Count * 10) > 65535))
        {
            throw new CliError($"--base-port {request.BasePort}: use 0 (free ports) or a port from 1024 leaving room for 10 per department");
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

    /// <summary>Client API on base + 10i, peer listener on base + 10i + 1; base 0 takes loopback ports free right now.</summary>
    private static int[] AssignPorts(int basePort, int departments)
    {
        if (basePort != 0)
        {
            return Enumerable.Range(0, departments).SelectMany(i => new[] { basePort + (10 * i), basePort + (10 * i) + 1 }).ToArray();
        }

        var listeners = Enumerable.Range(0, departments * 2).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private static KeyPair WriteKey(string keyFile, string passphraseFile)
    {
        var passphrase = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        KeyFile.WritePrivate(passphraseFile, Encoding.UTF8.GetBytes(passphrase + "\n"));
        var key = KeyPair.Generate();
        KeyFile.Write(keyFile, key, passphrase, LocalKeyCost);
        return key;
    }

    /// <summary>Paths relative to the config's own folder, so the network folder can be moved as a whole.</summary>
    private static JsonObject NodeConfig(string id, ManifestDepartment department) => new()
    {
        ["DataDirectory"] = "data",
        ["DepartmentId"] = id,
        ["GenesisFile"] = "../genesis.json",
        ["ValidatorKeyFile"] = "validator.key",
        ["ValidatorPassphraseFile"] = "validator.pass",
        ["ListenAddress"] = department.ClientAddress,
        ["PeerListenAddress"] = department.PeerAddress,
        ["Tls"] = new JsonObject { ["CertificateFile"] = "tls.crt", ["KeyFile"] = "tls.key" },
        // Short timeouts for a loopback network: rounds that fail (a stopped node) move on quickly.
        ["Consensus"] = new JsonObject
        {
            ["ProposeMs"] = 1000,
            ["PrevoteMs"] = 300,
            ["PrecommitMs"] = 300,
            ["DeltaMs"] = 100,
            ["RetransmitMs"] = 200,
            ["EmptyBlockDelayMs"] = 500,
            ["SyncPollMs"] = 250,
            ["FreshStartGraceMs"] = 1500,
        },
    };

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

using System.Security.Cryptography.X509Certificates;
using FsCheck;
using FsCheck.Fluent;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Node.Configuration;
using GovChain.Node.Mempool;
using GovChain.Node.Setup;

namespace GovChain.Node.Tests.Setup;

public sealed class NetworkBlueprintTests : IDisposable
{
    private static readonly KeyFile.KdfCost CheapKdf = new(1, 1UL << 20);
    private readonly string _root = Directory.CreateTempSubdirectory("govchain-blueprint-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Generate_DefaultDepartments_GenesisPinsEachKeyCertificateAndPeerEndpoint()
    {
        using var network = Blueprint().Generate();

        Assert.Equal(NetworkBlueprint.DefaultDepartments, network.Genesis.Proto.Departments.Select(d => d.Id));
        Assert.Equal("blueprint-test", network.ChainId);
        Assert.Equal(1000u, network.Genesis.Proto.Consensus.MaxBlockTxs);
        for (var i = 0; i < network.Departments.Count; i++)
        {
            var generated = network.Departments[i];
            var pinned = network.Genesis.Proto.Departments[i];
            Assert.Equal(generated.ValidatorKey.PublicKey.ToArray(), pinned.ValidatorKey.ToByteArray());
            Assert.Equal(generated.Certificate.RawData, pinned.TlsCertificate.ToByteArray());
            Assert.True(generated.Certificate.HasPrivateKey);
            Assert.Equal(generated.PeerAddress, pinned.Endpoint);
            Assert.Equal(10ul, pinned.VotingPower);
            Assert.StartsWith("127.0.0.1:", generated.ClientAddress, StringComparison.Ordinal);
        }

        var ports = network.Departments.SelectMany(d => new[] { d.ClientPort, d.PeerPort }).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 1, 65535));
    }

    [Fact]
    public void Generate_BasePort_GivesClientAtBasePlusTenIAndPeerOneAbove()
    {
        using var network = Blueprint(basePort: 7600).Generate();

        Assert.Equal([7600, 7610, 7620, 7630], network.Departments.Select(d => d.ClientPort));
        Assert.Equal([7601, 7611, 7621, 7631], network.Departments.Select(d => d.PeerPort));
    }

    [Fact]
    public void Generate_RoleHolders_AreGrantedInGenesisWithTheirOwnKeys()
    {
        using var network = Blueprint(roles: NetworkBlueprint.StandardRoleHolders(NetworkBlueprint.DefaultDepartments)).Generate();

        Assert.Equal(network.RoleHolders.Count, network.Genesis.Proto.Roles.Count);
        foreach (var holder in network.RoleHolders)
        {
            var grant = network.Genesis.Proto.Roles.Single(r => r.Holder.Span.SequenceEqual(holder.Key.PublicKey));
            Assert.Equal(holder.Role, grant.Role);
            Assert.Equal(holder.DepartmentId, grant.DepartmentId);
        }

        Assert.Equal("land-registry", network.RoleHolder("registrar").DepartmentId);
        Assert.Throws<KeyNotFoundException>(() => network.RoleHolder("nobody"));
    }

    [Fact]
    public void StandardRoleHolders_DepartmentsMissing_FallBackToTheFirstDepartment()
    {
        var holders = NetworkBlueprint.StandardRoleHolders(["a", "b"]);

        Assert.Equal(["admin-a", "admin-b"], holders.Where(h => h.Role == "department.admin").Select(h => h.Name));
        Assert.All(holders.Where(h => h.Role != "department.admin"), h => Assert.Equal("a", h.DepartmentId));
        Assert.Throws<ArgumentException>(() => NetworkBlueprint.StandardRoleHolders([]));
    }

    [Fact]
    public void WriteTo_NodeConfigs_LoadAsTheGeneratedDepartmentsWithPathsInsideTheirFolder()
    {
        var consensus = new ConsensusTimeoutOptions { ProposeMs = 777, PrevoteMs = 333, PrecommitMs = 222, DeltaMs = 11, RetransmitMs = 99, EmptyBlockDelayMs = 55, SyncPollMs = 123, FreshStartGraceMs = 456 };
        using var network = new NetworkBlueprint
        {
            ChainId = "blueprint-test",
            KeyCost = CheapKdf,
            Consensus = consensus,
            Storage = new StorageSettings { SyncWrites = false, KeepRecentHeights = 42 },
            Mempool = new MempoolOptions { MaxTransactions = 1234, MaxBytes = 1L << 22 },
        }.Generate();

        var folder = network.WriteTo(Path.Combine(_root, "net"));

        Assert.Equal(network.Genesis.Hash, GenesisDocument.Load(folder.GenesisFile).Hash);
        foreach (var d in network.Departments)
        {
            var options = folder.LoadNodeOptions(d.Id);
            Assert.Equal(d.Id, options.DepartmentId);
            Assert.Equal(folder.GenesisFile, options.GenesisFile);
            Assert.Equal(folder.DataDirectory(d.Id), options.DataDirectory);
            Assert.Equal(d.ClientAddress, options.ListenAddress);
            Assert.Equal(d.PeerAddress, options.PeerListenAddress);
            Assert.Equal(folder.CertificateFile(d.Id), options.Tls.CertificateFile);
            Assert.Equal(folder.CertificateKeyFile(d.Id), options.Tls.KeyFile);
            Assert.Equal(folder.ValidatorKeyFile(d.Id), options.ValidatorKeyFile);
            Assert.Equal(folder.ValidatorPassphraseFile(d.Id), options.ValidatorPassphraseFile);
            Assert.Equal((777, 333, 222, 11, 99, 55, 123, 456), (options.Consensus.ProposeMs, options.Consensus.PrevoteMs, options.Consensus.PrecommitMs,
                options.Consensus.DeltaMs, options.Consensus.RetransmitMs, options.Consensus.EmptyBlockDelayMs, options.Consensus.SyncPollMs, options.Consensus.FreshStartGraceMs));
            Assert.False(options.Storage.SyncWrites);
            Assert.Equal(42, options.Storage.KeepRecentHeights);
            Assert.Equal(1234, options.Mempool.MaxTransactions);
            Assert.Equal(1L << 22, options.Mempool.MaxBytes);
        }
    }

    [Fact]
    public void WriteTo_NoStorageOrMempoolSection_NodeKeepsItsDefaults()
    {
        using var network = Blueprint().Generate();
        var folder = network.WriteTo(Path.Combine(_root, "net"));

        var options = folder.LoadNodeOptions(network.Departments[0].Id);

        Assert.Equal(new StorageSettings().SyncWrites, options.Storage.SyncWrites);
        Assert.Equal(new MempoolOptions().MaxTransactions, options.Mempool.MaxTransactions);
        Assert.DoesNotContain("Mempool", File.ReadAllText(folder.ConfigFile(network.Departments[0].Id)), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTo_KeysOpenWithTheirPassphrases_CertificatesMatchGenesis_AndSecretsAreOwnerOnly()
    {
        using var network = Blueprint(roles: [new RoleHolderSpec("registrar", "land.registrar", "land-registry")]).Generate();
        var folder = network.WriteTo(Path.Combine(_root, "net"));

        foreach (var d in network.Departments)
        {
            using var key = KeyFile.Read(folder.ValidatorKeyFile(d.Id), File.ReadAllText(folder.ValidatorPassphraseFile(d.Id)).TrimEnd('\n'));
            Assert.Equal(d.ValidatorKey.PublicKey.ToArray(), key.PublicKey.ToArray());
            using var served = X509Certificate2.CreateFromPemFile(folder.CertificateFile(d.Id), folder.CertificateKeyFile(d.Id));
            Assert.Equal(d.Certificate.RawData, served.RawData);
            Assert.True(served.HasPrivateKey);
            foreach (var secret in new[] { folder.ValidatorPassphraseFile(d.Id), folder.CertificateKeyFile(d.Id) })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
            }
        }

        using var registrar = KeyFile.Read(folder.RoleKeyFile("registrar"), File.ReadAllText(folder.RolePassphraseFile("registrar")).TrimEnd('\n'));
        Assert.Equal(network.RoleHolder("registrar").Key.PublicKey.ToArray(), registrar.PublicKey.ToArray());
    }

    [Fact]
    public void WriteTo_NonEmptyFolder_ThrowsAndChangesNothing()
    {
        using var network = Blueprint().Generate();
        var dir = Directory.CreateDirectory(Path.Combine(_root, "taken")).FullName;
        File.WriteAllText(Path.Combine(dir, "keep.txt"), "mine");

        Assert.Throws<IOException>(() => network.WriteTo(dir));

        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
    }

    public static TheoryData<string, NetworkBlueprint> BadBlueprints => new()
    {
        { "listed twice", new NetworkBlueprint { Departments = ["a", "a"] } },
        { "lower-case", new NetworkBlueprint { Departments = ["Land Registry"] } },
        { "lower-case", new NetworkBlueprint { Departments = ["../escape"] } },
        { "1 to 64", new NetworkBlueprint { Departments = [] } },
        { "chain id", new NetworkBlueprint { ChainId = " " } },
        { "base port", new NetworkBlueprint { BasePort = 80 } },
        { "not in the network", new NetworkBlueprint { RoleHolders = [new RoleHolderSpec("x", "land.registrar", "nowhere")] } },
        { "used twice", new NetworkBlueprint { RoleHolders = [new RoleHolderSpec("x", "land.registrar", "finance"), new RoleHolderSpec("x", "land.bank", "finance")] } },
        { "must be positive", new NetworkBlueprint { MaxBlockTxs = 0 } },
    };

    [Theory]
    [MemberData(nameof(BadBlueprints))]
    public void Generate_BadBlueprint_ThrowsArgumentExceptionNamingTheProblem(string expected, NetworkBlueprint blueprint)
    {
        var error = Assert.Throws<ArgumentException>(() => blueprint.Generate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AnyListOfWellFormedNames_AcceptedExactlyWhenNoNameRepeats()
    {
        var names = Gen.Elements("a", "b", "land-registry", "finance", "x9", "justice");
        var property = Prop.ForAll(Gen.ListOf(names).Where(l => l.Count is > 0 and <= 8).ToArbitrary(), list =>
        {
            var departments = list.ToArray();
            var distinct = departments.Distinct().Count() == departments.Length;
            var accepted = true;
            try
            {
                new NetworkBlueprint { Departments = departments }.Validate();
            }
            catch (ArgumentException)
            {
                accepted = false;
            }

            return accepted == distinct;
        });
        property.QuickCheckThrowOnFailure();
    }

    [Fact]
    public void NetworkFolder_NameLeavingTheFolder_IsRefused()
    {
        var folder = new NetworkFolder(_root);

        Assert.Throws<ArgumentException>(() => folder.ConfigFile(".."));
        Assert.Throws<ArgumentException>(() => folder.RoleKeyFile("a/b"));
        Assert.Equal(Path.Combine(_root, "finance", "node.json"), folder.ConfigFile("finance"));
    }

    private static NetworkBlueprint Blueprint(int basePort = 0, IReadOnlyList<RoleHolderSpec>? roles = null) => new()
    {
        ChainId = "blueprint-test",
        BasePort = basePort,
        KeyCost = CheapKdf,
        CertificateValidity = TimeSpan.FromDays(1),
        RoleHolders = roles ?? [],
    };
}

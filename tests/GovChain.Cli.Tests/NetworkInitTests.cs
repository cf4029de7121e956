using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using GovChain.Cli.Localnet;
using GovChain.Cli.Tests.Support;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Node.Configuration;

namespace GovChain.Cli.Tests;

public sealed class NetworkInitTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Init_FourDepartments_WritesGenesisWithDepartmentsPinnedCertificatesAndRoles()
    {
        var dir = _temp.Sub("net");
        var run = await CliRunner.RunAsync("network", "init", "--out", dir, "--base-port", "0", "--chain-id", "test-chain", "-o", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        var printed = JsonNode.Parse(run.Out)!;
        Assert.Equal("test-chain", (string?)printed["chain_id"]);
        var layout = new NetworkLayout(dir);
        var genesis = GenesisDocument.Load(layout.GenesisFile);
        Assert.Equal("test-chain", genesis.ChainId);
        Assert.Equal(NetworkInitializer.DefaultDepartments, genesis.Proto.Departments.Select(d => d.Id));
        var manifest = layout.ReadManifest();
        foreach (var department in genesis.Proto.Departments)
        {
            // Genesis lists the peer listener, pins the certificate the node serves, and names the validator key on disk.
            Assert.Equal(manifest.Departments.Single(d => d.Id == department.Id).PeerAddress, department.Endpoint);
            using var served = X509Certificate2.CreateFromPem(File.ReadAllText(layout.CertificateFile(department.Id)));
            Assert.Equal(served.RawData, department.TlsCertificate.ToByteArray());
            Assert.Equal(KeyFile.ReadPublicKey(layout.ValidatorKeyFile(department.Id)), department.ValidatorKey.ToByteArray());
        }

        var roles = genesis.Proto.Roles.Select(r => (r.Role, r.DepartmentId)).ToHashSet();
        Assert.Contains(("land.registrar", "land-registry"), roles);
        Assert.Contains(("land.bank", "finance"), roles);
        Assert.Contains(("identity.issuer", "education"), roles);
        Assert.Contains(("procurement.officer", "finance"), roles);
        Assert.Contains(("procurement.inspector", "justice"), roles);
        Assert.Equal(4, genesis.Proto.Roles.Count(r => r.Role == "department.admin"));
        foreach (var holder in manifest.RoleHolders)
        {
            var grant = genesis.Proto.Roles.Single(r => r.Role == holder.Role && r.DepartmentId == holder.DepartmentId);
            Assert.Equal(Hex.Encode(grant.Holder.Span), Hex.Encode(KeyFile.ReadPublicKey(layout.RoleKeyFile(holder.Name))));
        }
    }

    [Fact]
    public async Task Init_KeysAndPassphrases_OpenTogether_AndSecretsAreOwnerOnly()
    {
        var dir = _temp.Sub("net");
        Assert.Equal(0, (await CliRunner.RunAsync("network", "init", "--out", dir, "--base-port", "0", "--departments", "a,b", "-o", "json")).ExitCode);
        var layout = new NetworkLayout(dir);

        using var key = KeyFile.Read(layout.ValidatorKeyFile("a"), File.ReadAllText(layout.ValidatorPassphraseFile("a")).TrimEnd('\n'));
        using var registrar = KeyFile.Read(layout.RoleKeyFile("registrar"), File.ReadAllText(layout.RolePassphraseFile("registrar")).TrimEnd('\n'));
        Assert.Equal(KeyFile.ReadPublicKey(layout.ValidatorKeyFile("a")), key.PublicKey.ToArray());
        foreach (var secret in new[] { layout.ValidatorPassphraseFile("a"), layout.CertificateKeyFile("b"), layout.RolePassphraseFile("bank") })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        }

        Assert.Contains("local networks only", File.ReadAllText(layout.ReadmeFile), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Init_NodeConfigs_LoadAndValidate_WithPathsInsideTheDepartmentFolder()
    {
        var dir = _temp.Sub("net");
        Assert.Equal(0, (await CliRunner.RunAsync("network", "init", "--out", dir, "--base-port", "7600", "-o", "json")).ExitCode);
        var layout = new NetworkLayout(dir);

        for (var i = 0; i < NetworkInitializer.DefaultDepartments.Length; i++)
        {
            var id = NetworkInitializer.DefaultDepartments[i];
            var options = NodeOptionsLoader.Load(layout.ConfigFile(id), includeEnvironment: false);
            Assert.Equal(id, options.DepartmentId);
            Assert.Equal(layout.DataDirectory(id), options.DataDirectory);
            Assert.Equal(layout.GenesisFile, options.GenesisFile);
            Assert.Equal($"127.0.0.1:{7600 + (10 * i)}", options.ListenAddress);
            Assert.Equal($"127.0.0.1:{7601 + (10 * i)}", options.PeerListenAddress);
            Assert.True(options.Tls.Enabled);
            Assert.Equal(layout.CertificateFile(id), options.Tls.CertificateFile);
            Assert.Equal(layout.ValidatorPassphraseFile(id), options.ValidatorPassphraseFile);
        }
    }

    [Fact]
    public async Task Init_NonEmptyFolder_IsRefusedWithoutForce_AndReplacedWithForce()
    {
        var dir = _temp.Sub("net");
        Directory.CreateDirectory(dir);
        var keep = Path.Combine(dir, "precious.txt");
        File.WriteAllText(keep, "do not lose me");

        var refused = await CliRunner.RunAsync("network", "init", "--out", dir, "--base-port", "0");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Single(refused.Error.Trim().Split('\n'));
        Assert.Equal("do not lose me", File.ReadAllText(keep));
        Assert.False(File.Exists(Path.Combine(dir, "genesis.json")));

        var forced = await CliRunner.RunAsync("network", "init", "--out", dir, "--base-port", "0", "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.False(File.Exists(keep));
        Assert.True(File.Exists(Path.Combine(dir, "genesis.json")));
        Assert.Contains("land-registry", forced.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Land Registry")]
    [InlineData("finance,finance")]
    [InlineData(",")]
    public async Task Init_BadDepartments_FailsWithOneLine_AndWritesNothing(string departments)
    {
        var dir = _temp.Sub("net");

        var run = await CliRunner.RunAsync("network", "init", "--out", dir, "--departments", departments);

        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "genesis.json")));
    }

    [Fact]
    public void ResolveDepartments_CountOrList_NamesTheDepartments()
    {
        Assert.Equal(["land-registry", "finance"], LocalnetOperations.ResolveDepartments("2"));
        Assert.Equal("dept-5", LocalnetOperations.ResolveDepartments("5")[4]);
        Assert.Equal(["x", "y"], LocalnetOperations.ResolveDepartments("x, y"));
        Assert.Throws<Infrastructure.CliError>(() => LocalnetOperations.ResolveDepartments("0"));
    }
}

using System.Text;
using System.Text.Json.Nodes;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using GovChain.Core.Crypto;

namespace GovChain.Interop.Tests;

/// <summary>
/// A diploma exported by <c>govchain identity export-vc</c> from a real four-node network
/// (node processes, TLS gRPC on loopback) is checked by Digital Bazaar's VC libraries from npm
/// (js/verify-vc.mjs): its eddsa-jcs-2022 proof verifies against the issuer's did:key, its
/// status is read from the node's Bitstring Status List, and it shows as revoked once
/// <c>identity revoke</c> has committed.
/// </summary>
public sealed class VerifiableCredentialInteropTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private readonly string _root = Directory.CreateTempSubdirectory("govchain-vc-interop-").FullName;
    private NetworkLayout _layout = null!;

    private string Network => _layout.Root;

    public async Task InitializeAsync()
    {
        NodeRunner.EnsureAvailable();
        _layout = new NetworkLayout(Path.Combine(_root, "network"));
        NetworkInitializer.Initialize(new NetworkInitRequest(_layout.Root, NetworkInitializer.DefaultDepartments, "govchain-vc-interop", 0, Force: false));
        using var bound = new CancellationTokenSource(Bound);
        await LocalnetOperations.UpAsync(_layout, null, bound.Token);
    }

    public async Task DisposeAsync()
    {
        if (_layout is not null && _layout.HasNetwork)
        {
            await LocalnetOperations.DownAsync(_layout, null);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ExportedDiploma_IndependentVerifier_VerifiesThenReportsRevoked()
    {
        var holder = Path.Combine(_root, "carla.key");
        var pass = Path.Combine(_root, "carla.pass");
        await File.WriteAllTextAsync(pass, "passphrase of carla\n");
        using (var key = KeyPair.Generate())
        {
            KeyFile.Write(holder, key, "passphrase of carla", KeyFile.Interactive);
        }

        var personal = Path.Combine(_root, "carla.txt");
        var claims = Path.Combine(_root, "diploma.txt");
        await File.WriteAllTextAsync(personal, "Carla Diaz, born 2003-04-12");
        await File.WriteAllTextAsync(claims, "BSc Civil Engineering, 2026");
        await Cli(0, "identity", "register", "--data", personal, "--key", holder, "--passphrase-file", pass);
        await Cli(0, "identity", "issue", "--credential", "DIPLOMA-VC-1", "--kind", "diploma", "--subject", holder, "--claims", claims, "--key", "university");

        // Only the key the chain records as the issuer may sign it.
        var refused = Path.Combine(_root, "refused.json");
        await Cli(ExitCodes.BadInput, "identity", "export-vc", "--credential", "DIPLOMA-VC-1", "--key", "registrar", "--out", refused);
        Assert.False(File.Exists(refused));

        var exported = Path.Combine(_root, "diploma.vc.json");
        await Cli(0, "identity", "export-vc", "--credential", "DIPLOMA-VC-1", "--key", "university", "--out", exported);
        var vc = JsonNode.Parse(await File.ReadAllTextAsync(exported))!;
        Assert.Equal("eddsa-jcs-2022", (string?)vc["proof"]!["cryptosuite"]);
        Assert.StartsWith("did:key:z6Mk", (string?)vc["issuer"], StringComparison.Ordinal);
        Assert.StartsWith("did:key:z6Mk", (string?)vc["credentialSubject"]!["id"], StringComparison.Ordinal);

        var before = await VerifyAsync(exported);
        Assert.True((bool)before["verified"]!, before.ToJsonString());
        Assert.True((bool)before["statusVerified"]!, before.ToJsonString());
        Assert.False((bool)before["revoked"]!, before.ToJsonString());

        // A changed claim breaks the proof for the independent verifier too.
        var tampered = Path.Combine(_root, "tampered.vc.json");
        vc["credentialSubject"]!["claimsSha256"] = new string('0', 64);
        await File.WriteAllTextAsync(tampered, vc.ToJsonString());
        var forged = await VerifyAsync(tampered);
        Assert.False((bool)forged["verified"]!, forged.ToJsonString());

        await Cli(0, "identity", "revoke", "--credential", "DIPLOMA-VC-1", "--reason", "issued in error", "--key", "university");
        var after = await VerifyAsync(exported);
        Assert.True((bool)after["statusVerified"]!, after.ToJsonString());
        Assert.True((bool)after["revoked"]!, after.ToJsonString());
    }

    // Every command talks to the education node, whose status list the credential names, so
    // a committed revocation is in the state the next status list is built from.
    private async Task Cli(int expected, params string[] args)
    {
        var code = await CliApp.RunAsync([.. args, "--dir", Network, "--node", "education"]);
        Assert.True(code == expected, $"govchain {string.Join(' ', args)} exited {code}, expected {expected}");
    }

    private async Task<JsonNode> VerifyAsync(string credentialFile)
    {
        var output = await NodeRunner.RunAsync(TimeSpan.FromSeconds(60), "verify-vc.mjs", credentialFile, _layout.CertificateFile("education"));
        return JsonNode.Parse(output.Split('\n')[^1])!;
    }
}

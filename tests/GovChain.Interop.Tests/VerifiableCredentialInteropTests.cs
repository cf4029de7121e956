using System.Net;
using System.Security.Cryptography.X509Certificates;
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
public sealed class VerifiableCredentialInteropTests : IClassFixture<CredentialTestNetwork>
{
    private readonly CredentialTestNetwork _net;

    public VerifiableCredentialInteropTests(CredentialTestNetwork net)
    {
        _net = net;
    }

    private string Root => _net.Root;

    private NetworkLayout Layout => _net.Layout;

    private string Network => _net.Layout.Root;

    [Fact]
    public async Task ExportedDiploma_IndependentVerifier_VerifiesThenReportsRevoked()
    {
        var holder = Path.Combine(Root, "carla.key");
        var pass = Path.Combine(Root, "carla.pass");
        await File.WriteAllTextAsync(pass, "passphrase of carla\n");
        using (var key = KeyPair.Generate())
        {
            KeyFile.Write(holder, key, "passphrase of carla", KeyFile.Interactive);
        }

        var personal = Path.Combine(Root, "carla.txt");
        var claims = Path.Combine(Root, "diploma.txt");
        await File.WriteAllTextAsync(personal, "Carla Diaz, born 2003-04-12");
        await File.WriteAllTextAsync(claims, "BSc Civil Engineering, 2026");
        await Cli(0, "identity", "register", "--data", personal, "--key", holder, "--passphrase-file", pass);
        await Cli(0, "identity", "issue", "--credential", "DIPLOMA-VC-1", "--kind", "diploma", "--subject", holder, "--claims", claims, "--key", "university");

        // Only the key the chain records as the issuer may sign it.
        var refused = Path.Combine(Root, "refused.json");
        await Cli(ExitCodes.BadInput, "identity", "export-vc", "--credential", "DIPLOMA-VC-1", "--key", "registrar", "--out", refused);
        Assert.False(File.Exists(refused));

        var exported = Path.Combine(Root, "diploma.vc.json");
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
        var tampered = Path.Combine(Root, "tampered.vc.json");
        vc["credentialSubject"]!["claimsSha256"] = new string('0', 64);
        await File.WriteAllTextAsync(tampered, vc.ToJsonString());
        var forged = await VerifyAsync(tampered);
        Assert.False((bool)forged["verified"]!, forged.ToJsonString());

        await Cli(0, "identity", "revoke", "--credential", "DIPLOMA-VC-1", "--reason", "issued in error", "--key", "university");
        var after = await VerifyAsync(exported);
        Assert.True((bool)after["statusVerified"]!, after.ToJsonString());
        Assert.True((bool)after["revoked"]!, after.ToJsonString());
    }

    [Fact]
    public async Task NodeEndpoints_BadRequests_AreRefusedWithAReason()
    {
        using var pinned = X509Certificate2.CreateFromPem(File.ReadAllText(Layout.CertificateFile("education")));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.RawData.AsSpan().SequenceEqual(pinned.RawData),
        };
        using var http = new HttpClient(handler) { BaseAddress = Layout.ReadManifest().Departments.Single(d => d.Id == "education").ClientUri, Timeout = TimeSpan.FromSeconds(30) };

        using var noList = await http.GetAsync(new Uri("/credentials/status/7", UriKind.Relative));
        using var notANumber = await http.GetAsync(new Uri("/credentials/status/-1", UriKind.Relative));
        using var qr = await http.GetAsync(new Uri("/public/qr.svg?text=" + Uri.EscapeDataString("https://127.0.0.1/public/#parcel=P-17"), UriKind.Relative));
        using var longText = await http.GetAsync(new Uri("/public/qr.svg?text=" + new string('a', 513), UriKind.Relative));
        using var noText = await http.GetAsync(new Uri("/public/qr.svg", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, noList.StatusCode);
        Assert.Contains("no status list 7", await noList.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/svg+xml", qr.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, longText.StatusCode);
        Assert.Contains("longer than 512", await longText.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noText.StatusCode);
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
        var output = await NodeRunner.RunAsync(TimeSpan.FromSeconds(60), "verify-vc.mjs", credentialFile, Layout.CertificateFile("education"));
        return JsonNode.Parse(output.Split('\n')[^1])!;
    }
}

/// <summary>One four-node network (network init, localnet up: real processes) for the tests of this class, stopped and deleted after them.</summary>
public sealed class CredentialTestNetwork : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    public string Root { get; } = Directory.CreateTempSubdirectory("govchain-vc-interop-").FullName;

    internal NetworkLayout Layout { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        NodeRunner.EnsureAvailable();
        Layout = new NetworkLayout(Path.Combine(Root, "network"));
        NetworkInitializer.Initialize(new NetworkInitRequest(Layout.Root, NetworkInitializer.DefaultDepartments, "govchain-vc-interop", 0, Force: false));
        using var bound = new CancellationTokenSource(Bound);
        await LocalnetOperations.UpAsync(Layout, null, bound.Token);
    }

    public async Task DisposeAsync()
    {
        if (Layout is not null && Layout.HasNetwork)
        {
            await LocalnetOperations.DownAsync(Layout, null);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using GovChain.Core.Proofs;
using GovChain.Grpc.Hosting;
using GovChain.Integration.Tests.Interop;
using GovChain.Integration.Tests.Processes;
using GovChain.Protocol;
using Xunit.Abstractions;

namespace GovChain.Integration.Tests.PublicPage;

/// <summary>
/// The citizens' page of a live four-department network of node processes, opened in headless
/// Chromium (Debian's, driven by playwright-core): a parcel with a transfer and a lien, a valid
/// and a revoked diploma, an awarded tender with a paid milestone, a block; each verified in the
/// browser; a proof altered on its way (a lying node) and a proof file dropped onto the page
/// opened from file:// with the network off. Screenshots go under the test's output folder.
/// </summary>
[Trait("Category", "Browser")]
public sealed class PublicPageBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(170);
    private readonly ITestOutputHelper _output;

    public PublicPageBrowserTests(ITestOutputHelper output) => _output = output;

    private static string BrowserDirectory => Path.Combine(NodeJsScript.RepositoryRoot, "tests", "GovChain.Integration.Tests", "PublicPage", "browser");

    [Fact]
    public async Task A_citizen_finds_and_verifies_records_in_the_browser_and_a_tampered_proof_is_not_proven()
    {
        Prerequisites();
        using var cluster = new ProcessCluster(new ProcessClusterOptions { StandardRoles = true, SyncWrites = false });
        await cluster.StartAllAsync(TimeSpan.FromSeconds(150));
        using var records = new Records(cluster);
        await records.CreateAsync();

        var folder = Path.Combine(AppContext.BaseDirectory, "public-page-run", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var shots = Directory.CreateDirectory(Path.Combine(folder, "screenshots")).FullName;
        var offline = Directory.CreateDirectory(Path.Combine(folder, "offline-page")).FullName;
        WriteEmbeddedPage(offline);
        var genesis = Path.Combine(folder, "genesis.json");
        await File.WriteAllTextAsync(genesis, cluster.GenesisJson);
        var proof = Path.Combine(folder, "diploma-proof.json");
        await File.WriteAllTextAsync(proof, ProofJson.Write(await cluster.Client(2).GetStateProofAsync(StateKeys.Credential(Records.Diploma))));

        var page = new Uri(cluster.ClientUri(1), "/public/");
        var json = await NodeJsScript.RunAsync(Path.Combine(BrowserDirectory, "page-test.js"), new Dictionary<string, string>
        {
            ["PAGE_URL"] = page.ToString(),
            ["OFFLINE_PAGE"] = Path.Combine(offline, "index.html"),
            ["GENESIS_FILE"] = genesis,
            ["PROOF_FILE"] = proof,
            ["SHOTS_DIR"] = shots,
            ["PARCEL_ID"] = Records.Parcel,
            ["DIPLOMA_ID"] = Records.Diploma,
            ["REVOKED_ID"] = Records.Revoked,
            ["TENDER_ID"] = Records.Tender,
            ["BLOCK_HEIGHT"] = records.TenderAwardHeight.ToString(CultureInfo.InvariantCulture),
            ["SCRIPT_TIMEOUT_MS"] = ((int)(ScriptLimit - TimeSpan.FromSeconds(10)).TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        }, ScriptLimit);
        var run = JsonDocument.Parse(json).RootElement;
        var steps = run.GetProperty("steps");
        string Verdict(string step) => steps.GetProperty(step).GetProperty("verdict").GetString()!;

        _output.WriteLine($"screenshots: {shots}");
        foreach (var file in run.GetProperty("screenshots").EnumerateArray())
        {
            _output.WriteLine($"  {file.GetString()}");
        }

        _output.WriteLine($"page load (navigation to load event, measured in the browser over the local network): {run.GetProperty("loadMs").GetInt32()} ms; " +
                          $"until the latest blocks were shown: {run.GetProperty("readyMs").GetInt32()} ms; navigation timing {run.GetProperty("navigation")}");

        Assert.Empty(run.GetProperty("errors").EnumerateArray());
        Assert.Empty(run.GetProperty("offlineErrors").EnumerateArray());
        Assert.Contains("land-registry", steps.GetProperty("home").GetProperty("blocks").GetString(), StringComparison.Ordinal);

        var parcel = steps.GetProperty("parcel");
        Assert.StartsWith("PROVEN", VerdictLine(Verdict("parcel")), StringComparison.Ordinal);
        Assert.Contains("history events", Verdict("parcel"), StringComparison.Ordinal);
        Assert.Contains("MORTGAGE-1", parcel.GetProperty("record").GetString(), StringComparison.Ordinal);
        Assert.Contains("transferred", parcel.GetProperty("record").GetString(), StringComparison.Ordinal);

        Assert.StartsWith("NOT PROVEN", VerdictLine(Verdict("tampered")), StringComparison.Ordinal);
        Assert.Contains("does not match what the departments certified", Verdict("tampered"), StringComparison.Ordinal);

        Assert.StartsWith("PROVEN", VerdictLine(Verdict("diploma")), StringComparison.Ordinal);
        Assert.Contains("diploma is VALID", Verdict("diploma"), StringComparison.Ordinal);
        Assert.StartsWith("PROVEN", VerdictLine(Verdict("revoked")), StringComparison.Ordinal);
        Assert.Contains("diploma is REVOKED", Verdict("revoked"), StringComparison.Ordinal);
        Assert.Contains("found copied", steps.GetProperty("revoked").GetProperty("record").GetString(), StringComparison.Ordinal);

        Assert.StartsWith("PROVEN", VerdictLine(Verdict("tender")), StringComparison.Ordinal);
        var timeline = string.Join("\n", steps.GetProperty("tender").GetProperty("timeline").EnumerateArray().Select(e => e.GetString()));
        _output.WriteLine("tender timeline:\n" + timeline);
        Assert.Contains("Published by", timeline, StringComparison.Ordinal);
        Assert.Contains("Sealed bid committed", timeline, StringComparison.Ordinal);
        Assert.Contains("Bid revealed", timeline, StringComparison.Ordinal);
        Assert.Contains("Awarded to bidder", timeline, StringComparison.Ordinal);
        Assert.Contains("Milestone 1", timeline, StringComparison.Ordinal);
        Assert.Contains("payment released: 450000", timeline, StringComparison.Ordinal);

        Assert.StartsWith("PROVEN", VerdictLine(Verdict("block")), StringComparison.Ordinal);

        foreach (var refusal in steps.GetProperty("refusals").EnumerateArray())
        {
            var query = refusal.GetProperty("query").GetString()!;
            var status = refusal.GetProperty("status").GetInt32();
            _output.WriteLine($"GET /public/{(query.EndsWith(".js", StringComparison.Ordinal) ? string.Empty : "api/")}{(query.Length > 60 ? query[..60] + "…" : query)} -> {status} {refusal.GetProperty("body").GetProperty("error").GetString()}");
            Assert.Equal(query.StartsWith("block?", StringComparison.Ordinal) || query == "nothing.js" ? 404 : 400, status);
        }

        var dropped = steps.GetProperty("offlineDrop").GetProperty("verdict").GetString()!;
        Assert.Contains("PROVEN", dropped, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT PROVEN", dropped, StringComparison.Ordinal);
        Assert.Contains("VALID", dropped, StringComparison.Ordinal);
        Assert.Contains("NOT PROVEN", steps.GetProperty("offlineAltered").GetProperty("verdict").GetString()!, StringComparison.Ordinal);
    }

    // The verdict box reads "Check this record\nPROVEN ..." — the button's label, then the verdict.
    private static string VerdictLine(string box) => box.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("PROVEN", StringComparison.Ordinal) || l.StartsWith("NOT PROVEN", StringComparison.Ordinal));

    private static void Prerequisites()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run `bash scripts/setup.sh --browser` (it installs Debian's chromium).");
        }

        if (!Directory.Exists(Path.Combine(BrowserDirectory, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException($"playwright-core is not installed in {BrowserDirectory}: run `bash scripts/setup.sh --browser`.");
        }
    }

    /// <summary>Writes the page's files, as the node embeds them, to a folder, to open it from file://.</summary>
    private static void WriteEmbeddedPage(string folder)
    {
        var assembly = typeof(NodeServer).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith("PublicPage/", StringComparison.Ordinal)).ToList();
        Assert.Contains("PublicPage/index.html", names);
        foreach (var name in names)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(Path.Combine(folder, name["PublicPage/".Length..]));
            stream.CopyTo(file);
        }
    }

    /// <summary>The records the citizen looks up, written through the nodes' client API as the departments would.</summary>
    private sealed class Records : IDisposable
    {
        public const string Parcel = "P-2026-17";
        public const string Diploma = "DIPLOMA-2026-0415";
        public const string Revoked = "DIPLOMA-2026-0416";
        public const string Tender = "T-2026-ROADS-3";

        private readonly ProcessCluster _cluster;
        private readonly string _chainId;
        private readonly List<KeyPair> _keys = [];
        private readonly Dictionary<string, TransactionSigner> _roles = [];

        public Records(ProcessCluster cluster)
        {
            _cluster = cluster;
            _chainId = JsonDocument.Parse(cluster.GenesisJson).RootElement.GetProperty("chainId").GetString()!;
        }

        public ulong TenderAwardHeight { get; private set; }

        public async Task CreateAsync()
        {
            var alice = NewKey();
            var bob = NewKey();
            var aliceSigner = Signer(alice);
            var bobSigner = Signer(bob);
            await OkAsync(0, Role("registrar"), LandRegistry.RegisterParcel(Parcel, alice.PublicKey, SHA256.HashData("deed of P-2026-17"u8), 640, "Riverside, section 4"));
            await OkAsync(1, aliceSigner, LandRegistry.OfferTransfer(Parcel, bob.PublicKey, 185_000));
            await OkAsync(2, bobSigner, LandRegistry.AcceptTransfer(Parcel));
            await OkAsync(0, Role("registrar"), LandRegistry.ApproveTransfer(Parcel));
            await OkAsync(1, Role("bank"), LandRegistry.RegisterLien(Parcel, "MORTGAGE-1", 120_000));

            var student = NewKey();
            var other = NewKey();
            await OkAsync(2, Signer(student), IdentityRegistry.Register(SHA256.HashData("Carla Diaz, born 2003-04-12"u8)));
            await OkAsync(2, Signer(other), IdentityRegistry.Register(SHA256.HashData("Dan Eriksen, born 2002-01-30"u8)));
            await OkAsync(2, Role("university"), IdentityRegistry.IssueCredential(Diploma, "diploma", student.PublicKey, SHA256.HashData("MSc Civil Engineering, grade A"u8)));
            await OkAsync(2, Role("university"), IdentityRegistry.IssueCredential(Revoked, "diploma", other.PublicKey, SHA256.HashData("MSc Physics, grade B"u8)));
            await OkAsync(2, Role("university"), IdentityRegistry.RevokeCredential(Revoked, "found copied"));

            // Deadlines are heights and the test network makes empty blocks as fast as it can, so each
            // window is wide enough for its submissions on a loaded machine, and they go in together.
            var start = await _cluster.HeightAsync(1);
            var bidDeadline = start + 30;
            var revealDeadline = bidDeadline + 30;
            await OkAsync(1, Role("procurement-officer"), ProcurementRegistry.PublishTender(
                Tender, "Resurfacing of route 3", SHA256.HashData("specification v1"u8), bidDeadline, revealDeadline,
                ProcurementRegistry.Milestone("first half", 5000), ProcurementRegistry.Milestone("completion", 5000)));
            var bidders = new[] { (Key: NewKey(), Amount: 940_000UL), (Key: NewKey(), Amount: 900_000UL) };
            var signers = bidders.Select(b => Signer(b.Key)).ToArray();
            var salts = bidders.Select(_ => BidCommitment.NewSalt()).ToArray();
            await Task.WhenAll(bidders.Select((b, i) => OkAsync(3, signers[i], ProcurementRegistry.SubmitBid(Tender, b.Key.PublicKey, b.Amount, salts[i]))));
            await _cluster.WaitForHeightAsync([1, 3], bidDeadline + 1, Bound);
            await Task.WhenAll(bidders.Select((b, i) => OkAsync(3, signers[i], ProcurementRegistry.RevealBid(Tender, b.Amount, salts[i]))));

            await _cluster.WaitForHeightAsync([1], revealDeadline + 1, Bound);
            TenderAwardHeight = (await OkAsync(1, Role("procurement-officer"), ProcurementRegistry.AwardTender(Tender))).Height;
            await OkAsync(3, Role("inspector"), ProcurementRegistry.ApproveMilestone(Tender, 0, SHA256.HashData("inspection report 1"u8)));
            await _cluster.WaitForHeightAsync([0, 1, 2, 3], await _cluster.HeightAsync(3), Bound);
        }

        public void Dispose()
        {
            foreach (var key in _keys)
            {
                key.Dispose();
            }
        }

        private KeyPair NewKey()
        {
            var key = KeyPair.Generate();
            _keys.Add(key);
            return key;
        }

        private TransactionSigner Signer(KeyPair key) => new(_chainId, key);

        private TransactionSigner Role(string name)
        {
            if (!_roles.TryGetValue(name, out var signer))
            {
                signer = Signer(_cluster.RoleKey(name));
                _roles[name] = signer;
            }

            return signer;
        }

        private async Task<TransactionResult> OkAsync(int node, TransactionSigner signer, ContractCall call)
        {
            var result = await _cluster.Client(node).ExecuteAsync(signer, call, Bound);
            Assert.True(result.Receipt.Code == 0, $"{call.Contract}.{call.Method} failed: {result.Receipt.Code} {result.Receipt.Message}");
            return result;
        }
    }
}

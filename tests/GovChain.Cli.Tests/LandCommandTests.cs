using System.Text.Json.Nodes;
using GovChain.Cli.Tests.Support;

namespace GovChain.Cli.Tests;

/// <summary><c>govchain land ...</c> against a running four-department network.</summary>
[Collection(CliTestNetworkCollection.Name)]
public sealed class LandCommandTests
{
    private readonly CliTestNetwork _net;

    public LandCommandTests(CliTestNetwork net)
    {
        _net = net;
    }

    [Fact]
    public async Task Transfer_RegisterOfferAcceptApprove_HistoryShowsBuyerAsOwner()
    {
        var alice = _net.NewPerson("alice");
        var bob = _net.NewPerson("bob");
        var deed = Path.Combine(_net.Folder, "deed-17.txt");
        await File.WriteAllTextAsync(deed, "survey of parcel LT-17");

        var register = await Ok("land", "register", "--parcel", "LT-17", "--owner", alice.KeyFile, "--area", "450", "--location", "Plot 4, Riverside", "--deed", deed, "--key", "registrar");
        Assert.Matches(@"^land\.register_parcel committed at height \d+ in \d+ ms \(tx [0-9a-f]{64}\)", register.Out);

        var offer = JsonNode.Parse((await Ok("land", "offer", "--parcel", "LT-17", "--to", bob.PublicKey, "--price", "250000", "--key", alice.KeyFile, "--passphrase-file", alice.PassphraseFile, "--node", "finance", "-o", "json")).Out)!;
        Assert.True((bool)offer["succeeded"]!);
        Assert.Equal("offer_transfer", (string?)offer["method"]);
        Assert.True((ulong)offer["height"]! >= 1);

        await Ok("land", "accept", "--parcel", "LT-17", "--key", bob.KeyFile, "--passphrase-file", bob.PassphraseFile, "--node", "education");
        var approve = JsonNode.Parse((await Ok("land", "approve", "--parcel", "LT-17", "--key", "registrar", "-o", "json")).Out)!;
        await _net.WaitForHeightAsync((ulong)approve["height"]!);

        // Any department's node tells the same story.
        var history = JsonNode.Parse((await Ok("land", "history", "--parcel", "LT-17", "--node", "justice", "-o", "json")).Out)!;
        Assert.Equal(bob.PublicKey, (string?)history["parcel"]!["owner"]);
        Assert.Equal(450UL, (ulong)history["parcel"]!["area_m2"]!);
        var kinds = history["history"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Equal(
            ["PARCEL_HISTORY_KIND_REGISTERED", "PARCEL_HISTORY_KIND_TRANSFER_OFFERED", "PARCEL_HISTORY_KIND_TRANSFER_ACCEPTED", "PARCEL_HISTORY_KIND_TRANSFERRED"],
            kinds);
        var transferred = history["history"]!.AsArray().Last()!;
        Assert.Equal(alice.PublicKey, (string?)transferred["from_owner"]);
        Assert.Equal(bob.PublicKey, (string?)transferred["to_owner"]);

        var latest = JsonNode.Parse((await Ok("land", "history", "--parcel", "LT-17", "--limit", "1", "-o", "json")).Out)!["history"]!.AsArray();
        Assert.Equal("PARCEL_HISTORY_KIND_TRANSFERRED", (string?)Assert.Single(latest)!["kind"]);

        var text = await Ok("land", "history", "--parcel", "LT-17");
        Assert.Contains(bob.PublicKey, text.Out, StringComparison.Ordinal);
        Assert.Contains("transferred", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_WhileLienRegistered_IsRefusedUntilReleased()
    {
        var owner = _net.NewPerson("owner");
        var buyer = _net.NewPerson("buyer");
        await Ok("land", "register", "--parcel", "LT-LIEN", "--owner", owner.PublicKey, "--area", "900", "--deed-hash", new string('a', 64), "--key", "registrar");
        await Ok("land", "offer", "--parcel", "LT-LIEN", "--to", buyer.KeyFile, "--price", "100000", "--key", owner.KeyFile, "--passphrase-file", owner.PassphraseFile);
        await Ok("land", "accept", "--parcel", "LT-LIEN", "--key", buyer.KeyFile, "--passphrase-file", buyer.PassphraseFile);
        await Ok("land", "lien", "--parcel", "LT-LIEN", "--lien", "MORTGAGE-77", "--amount", "120000", "--key", "bank", "--node", "finance");

        var refused = await _net.RunAsync("land", "approve", "--parcel", "LT-LIEN", "--key", "registrar");
        Assert.Equal(8, refused.ExitCode);
        Assert.Matches(@"^error: land\.approve_transfer refused at height \d+: InvalidState \(code 10\): .*lien", refused.Error.Trim());

        var parcel = JsonNode.Parse((await Ok("land", "history", "--parcel", "LT-LIEN", "-o", "json")).Out)!["parcel"]!;
        Assert.Equal(owner.PublicKey, (string?)parcel["owner"]);
        Assert.Equal("MORTGAGE-77", (string?)parcel["liens"]![0]!["id"]);

        await Ok("land", "release", "--parcel", "LT-LIEN", "--lien", "MORTGAGE-77", "--key", "bank");
        await Ok("land", "approve", "--parcel", "LT-LIEN", "--key", "registrar");
        var after = JsonNode.Parse((await Ok("land", "history", "--parcel", "LT-LIEN", "-o", "json")).Out)!["parcel"]!;
        Assert.Equal(buyer.PublicKey, (string?)after["owner"]);
        Assert.Empty(after["liens"]!.AsArray());
    }

    [Fact]
    public async Task Register_SignedByBank_ExitsWithContractMessageAndRecordsNothing()
    {
        var owner = _net.NewPerson("owner");
        await Ok("land", "register", "--parcel", "LT-ROLE", "--owner", owner.PublicKey, "--area", "10", "--deed-hash", new string('b', 64), "--key", "registrar");

        var run = await _net.RunAsync("land", "register", "--parcel", "LT-ROLE-2", "--owner", owner.PublicKey, "--area", "10", "--deed-hash", new string('b', 64), "--key", "bank", "-o", "json");

        Assert.Equal(8, run.ExitCode);
        Assert.Contains("Unauthorized (code 7)", run.Error, StringComparison.Ordinal);
        Assert.Contains("land.registrar", run.Error, StringComparison.Ordinal);
        var json = JsonNode.Parse(run.Out)!;
        Assert.False((bool)json["succeeded"]!);
        Assert.Equal(7U, (uint)json["code"]!);
        var unknown = await _net.RunAsync("land", "history", "--parcel", "LT-ROLE-2");
        Assert.Equal(8, unknown.ExitCode);
    }

    [Fact]
    public async Task History_UnknownParcel_FailsWithOneLine()
    {
        var run = await _net.RunAsync("land", "history", "--parcel", "NO-SUCH-PARCEL");

        Assert.Equal(8, run.ExitCode);
        Assert.Equal("error: unknown parcel 'NO-SUCH-PARCEL'", run.Error.Trim());
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public async Task Offer_WrongPassphrase_FailsWithOneLine()
    {
        var owner = _net.NewPerson("owner");
        var wrong = Path.Combine(_net.Folder, "wrong.pass");
        await File.WriteAllTextAsync(wrong, "not the passphrase\n");

        var run = await _net.RunAsync("land", "offer", "--parcel", "LT-17", "--to", "bank", "--price", "1", "--key", owner.KeyFile, "--passphrase-file", wrong);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("passphrase is wrong", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Offer_UnknownBuyer_FailsWithOneLine()
    {
        var run = await _net.RunAsync("land", "offer", "--parcel", "LT-17", "--to", "nobody-by-that-name", "--price", "1", "--key", "registrar");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --to: 'nobody-by-that-name' is not a public key (64 hex digits), a key file, or a role holder of the network folder", run.Error.Trim());
    }

    private async Task<CliResult> Ok(params string[] args)
    {
        var run = await _net.RunAsync(args);
        Assert.True(run.ExitCode == 0, $"govchain {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}{run.Out}");
        return run;
    }
}

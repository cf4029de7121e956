using System.Text.Json.Nodes;
using GovChain.Cli.Tests.Support;

namespace GovChain.Cli.Tests;

/// <summary><c>govchain procurement ...</c>: a tender with two sealed bids, their reveals, the award and a milestone.</summary>
[Collection(CliTestNetworkCollection.Name)]
public sealed class ProcurementCommandTests
{
    private readonly CliTestNetwork _net;

    public ProcurementCommandTests(CliTestNetwork net)
    {
        _net = net;
    }

    [Fact]
    public async Task Tender_SealedBidsRevealedAndAwarded_LowestBidWins()
    {
        var acme = _net.NewPerson("acme");
        var borealis = _net.NewPerson("borealis");
        var acmeSecret = Path.Combine(_net.Folder, "acme.bid");
        var borealisSecret = Path.Combine(_net.Folder, "borealis.bid");

        // Windows wide enough for two bids (or two reveals) one after the other on a loaded machine.
        var published = JsonNode.Parse((await Ok(
            "procurement", "publish", "--tender", "T-ROADS-3", "--title", "Resurfacing of route 3", "--document-hash", new string('c', 64),
            "--bid-blocks", "20", "--reveal-blocks", "16", "--milestone", "first half=5000", "--milestone", "completion=5000",
            "--key", "procurement-officer", "--node", "finance", "-o", "json")).Out)!;
        var bidDeadline = (ulong)published["bid_deadline_height"]!;
        var revealDeadline = (ulong)published["reveal_deadline_height"]!;
        Assert.Equal(bidDeadline + 16, revealDeadline);

        await Ok("procurement", "bid", "--tender", "T-ROADS-3", "--amount", "940000", "--secret-file", acmeSecret, "--key", acme.KeyFile, "--passphrase-file", acme.PassphraseFile);
        await Ok("procurement", "bid", "--tender", "T-ROADS-3", "--amount", "870000", "--secret-file", borealisSecret, "--key", borealis.KeyFile, "--passphrase-file", borealis.PassphraseFile, "--node", "justice");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(acmeSecret));
        Assert.Equal("940000", JsonNode.Parse(await File.ReadAllTextAsync(acmeSecret))!["amount"]!.ToJsonString());

        // Before the bids close, the amount stays sealed.
        var bid = JsonNode.Parse((await Ok("query", "procurement", "get_bid", "--args", $"{{\"tender_id\":\"T-ROADS-3\",\"bidder\":\"{acme.PublicKey}\"}}", "-o", "json")).Out)!["result"]!;
        Assert.False((bool)bid["revealed"]!);
        Assert.Equal(0UL, (ulong)bid["amount"]!);

        // A secret file reveals only with its bidder's key; nothing is submitted otherwise.
        var wrongKey = await _net.RunAsync("procurement", "reveal", "--secret-file", acmeSecret, "--key", borealis.KeyFile, "--passphrase-file", borealis.PassphraseFile);
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("not the bidder of this secret file", wrongKey.Error, StringComparison.Ordinal);

        await _net.WaitForHeightAsync(bidDeadline + 1);
        await Ok("procurement", "reveal", "--secret-file", acmeSecret, "--key", acme.KeyFile, "--passphrase-file", acme.PassphraseFile);
        await Ok("procurement", "reveal", "--secret-file", borealisSecret, "--key", borealis.KeyFile, "--passphrase-file", borealis.PassphraseFile, "--node", "education");

        await _net.WaitForHeightAsync(revealDeadline + 1);
        var award = JsonNode.Parse((await Ok("procurement", "award", "--tender", "T-ROADS-3", "--key", "procurement-officer", "--node", "finance", "-o", "json")).Out)!;
        Assert.Equal(borealis.PublicKey, (string?)award["award"]!["winner"]);
        Assert.Equal(870000UL, (ulong)award["award"]!["amount"]!);
        Assert.Equal(2U, (uint)award["award"]!["valid_bids"]!);

        // Through the node that committed the award: another may not have its block yet, nor the officer's nonce.
        var again = await _net.RunAsync("procurement", "award", "--tender", "T-ROADS-3", "--key", "procurement-officer", "--node", "finance");
        Assert.Equal(8, again.ExitCode);
        Assert.Contains("InvalidState", again.Error, StringComparison.Ordinal);

        var milestone = JsonNode.Parse((await Ok("procurement", "approve-milestone", "--tender", "T-ROADS-3", "--milestone", "0", "--report-hash", new string('d', 64), "--key", "inspector", "-o", "json")).Out)!;
        var payment = milestone["events"]!.AsArray().Single(e => (string?)e!["name"] == "payment_released")!;
        Assert.Contains(payment["attributes"]!.AsArray(), a => (string?)a!["key"] == "amount" && (string?)a["value"] == "435000");
    }

    [Fact]
    public async Task Publish_BadMilestone_FailsWithOneLine()
    {
        var run = await _net.RunAsync("procurement", "publish", "--tender", "T-BAD", "--title", "x", "--document-hash", new string('c', 64), "--bid-blocks", "5", "--reveal-blocks", "5", "--milestone", "all", "--key", "procurement-officer");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --milestone 'all': use DESCRIPTION=BASIS_POINTS with 1 to 10000 basis points", run.Error.Trim());
    }

    [Fact]
    public async Task Reveal_MissingSecretFile_FailsWithOneLine()
    {
        var run = await _net.RunAsync("procurement", "reveal", "--secret-file", Path.Combine(_net.Folder, "none.bid"), "--key", "bank");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    private async Task<CliResult> Ok(params string[] args)
    {
        var run = await _net.RunAsync(args);
        Assert.True(run.ExitCode == 0, $"govchain {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}{run.Out}");
        return run;
    }
}

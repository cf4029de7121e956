using System.Text.Json.Nodes;
using GovChain.Cli.Tests.Support;

namespace GovChain.Cli.Tests;

/// <summary><c>govchain tx submit | show</c>, <c>query</c> and <c>block show</c> against a running network, and their errors.</summary>
[Collection(CliTestNetworkCollection.Name)]
public sealed class TxQueryBlockCommandTests
{
    private readonly CliTestNetwork _net;

    public TxQueryBlockCommandTests(CliTestNetwork net)
    {
        _net = net;
    }

    [Fact]
    public async Task Submit_JsonArguments_CommitsAndShowsInQueryTxAndBlock()
    {
        var owner = _net.NewPerson("owner");
        var args = $$"""{"parcel_id":"TX-1","owner":"{{owner.PublicKey}}","description_hash":"{{new string('e', 64)}}","area_m2":"1200","location":"Lot 9"}""";

        var submitted = JsonNode.Parse((await Ok("tx", "submit", "land", "register_parcel", "--args", args, "--key", "registrar", "-o", "json")).Out)!;
        Assert.True((bool)submitted["succeeded"]!);
        var txId = (string)submitted["tx_id"]!;
        var height = (ulong)submitted["height"]!;
        await _net.WaitForHeightAsync(height);

        var query = JsonNode.Parse((await Ok("query", "land", "get_parcel", "--args", """{"parcelId":"TX-1"}""", "--node", "education", "-o", "json")).Out)!;
        Assert.True((ulong)query["height"]! >= height);
        Assert.Equal(owner.PublicKey, (string?)query["result"]!["owner"]);
        Assert.Equal(1200UL, (ulong)query["result"]!["area_m2"]!);
        Assert.Equal("Lot 9", (string?)query["result"]!["location"]);

        var tx = JsonNode.Parse((await Ok("tx", "show", txId, "--node", "justice", "-o", "json")).Out)!;
        Assert.Equal(height, (ulong)tx["height"]!);
        Assert.Equal("register_parcel", (string?)tx["method"]);
        Assert.Equal("ok", (string?)tx["result"]);
        Assert.Equal("TX-1", (string?)tx["args"]!["parcel_id"]);
        var text = await Ok("tx", "show", txId);
        Assert.Contains($"height {height}", text.Out, StringComparison.Ordinal);
        Assert.Contains("land.register_parcel by", text.Out, StringComparison.Ordinal);

        var block = JsonNode.Parse((await Ok("block", "show", height.ToString(System.Globalization.CultureInfo.InvariantCulture), "--node", "finance", "-o", "json")).Out)!;
        Assert.Equal(height, (ulong)block["height"]!);
        Assert.Equal((string?)tx["block_hash"], (string?)block["hash"]);
        Assert.Contains(block["transactions"]!.AsArray(), t => (string?)t!["tx_id"] == txId);
        var signers = block["certified_by"]!.AsArray().Select(s => (string)s!).ToList();
        Assert.True(signers.Count >= 3, string.Join(", ", signers));
        Assert.All(signers, s => Assert.Contains(s, GovChain.Cli.Localnet.NetworkInitializer.DefaultDepartments));
        Assert.Contains((string)block["proposer"]!, GovChain.Cli.Localnet.NetworkInitializer.DefaultDepartments);
    }

    [Fact]
    public async Task BlockShow_Latest_PrintsCommittedBlock()
    {
        var run = await Ok("block", "show", "latest");

        Assert.Matches(@"^block \d+  [0-9a-f]{64}", run.Out);
        Assert.Contains("certified by", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlockShow_FutureHeight_FailsWithOneLine()
    {
        var run = await _net.RunAsync("block", "show", "99999999");

        Assert.Equal(8, run.ExitCode);
        Assert.StartsWith("error: no block at height 99999999", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"parcel_id": 17}""", "RegisterParcelArgs.parcel_id: expected a string")]
    [InlineData("""{"owner": "xyz"}""", "RegisterParcelArgs.owner: expected hex bytes")]
    [InlineData("""{"area_m2": -5}""", "RegisterParcelArgs.area_m2: '-5' is not a valid uint64")]
    [InlineData("""{"acreage": 5}""", "RegisterParcelArgs: no field 'acreage'")]
    [InlineData("""{"parcel_id": """, "the arguments are not valid JSON")]
    public async Task Submit_MalformedArguments_FailsWithoutSubmitting(string args, string expected)
    {
        var run = await _net.RunAsync("tx", "submit", "land", "register_parcel", "--args", args, "--key", "registrar");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public async Task Submit_UnknownMethod_ListsTheContractsMethods()
    {
        var run = await _net.RunAsync("tx", "submit", "land", "steal_parcel", "--key", "registrar");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'land steal_parcel' is not a transaction method", run.Error, StringComparison.Ordinal);
        Assert.Contains("land offer_transfer", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TxShow_UnknownId_FailsWithOneLine()
    {
        var run = await _net.RunAsync("tx", "show", new string('0', 64));

        Assert.Equal(8, run.ExitCode);
        Assert.StartsWith($"error: no committed transaction {new string('0', 64)}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_UnreachableNode_FailsWithOneLineWithinTimeout()
    {
        var port = CliTestNetwork.ClosedLoopbackPort();

        var run = await CliRunner.RunAsync("query", "land", "get_parcel", "--args", """{"parcel_id":"P-1"}""", "--node", $"https://127.0.0.1:{port}", "--timeout", "5");

        Assert.Equal(7, run.ExitCode);
        Assert.StartsWith($"error: node https://127.0.0.1:{port}/ is unreachable", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task History_UnknownNodeName_FailsWithOneLine()
    {
        var run = await _net.RunAsync("land", "history", "--parcel", "P-1", "--node", "treasury");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--node 'treasury' is not a department of the network", run.Error, StringComparison.Ordinal);
    }

    private async Task<CliResult> Ok(params string[] args)
    {
        var run = await _net.RunAsync(args);
        Assert.True(run.ExitCode == 0, $"govchain {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}{run.Out}");
        return run;
    }
}

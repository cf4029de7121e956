using System.Globalization;
using System.Text.Json.Nodes;
using GovChain.Cli.Localnet;
using GovChain.Cli.Tests.Support;

namespace GovChain.Cli.Tests;

/// <summary>Four real node processes started, inspected and stopped through the CLI; nothing may outlive the test.</summary>
public sealed class LocalnetTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private NetworkLayout _layout = null!;

    public Task InitializeAsync()
    {
        _layout = new NetworkLayout(_temp.Sub("localnet"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_layout.HasNetwork)
        {
            await LocalnetOperations.DownAsync(_layout, null);
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task UpStatusDown_FourNodes_AnswerCommitAndLeaveNoProcess()
    {
        var up = await CliRunner.RunAsync("localnet", "up", "--dir", _layout.Root, "--departments", "4", "--base-port", "0", "-o", "json");
        Assert.True(up.ExitCode == 0, up.Error);
        var pids = JsonNode.Parse(up.Out[up.Out.LastIndexOf("{\n  \"folder\"", StringComparison.Ordinal)..])!["nodes"]!.AsArray()
            .Select(n => (int)n!["pid"]!).ToList();
        Assert.Equal(4, pids.Count);
        Assert.All(pids, pid => Assert.True(Posix.IsAlive(pid)));
        Assert.All(NetworkInitializer.DefaultDepartments, d => Assert.True(File.Exists(_layout.PidFile(d))));

        // A second 'up' finds the nodes running and starts nothing new.
        var again = await CliRunner.RunAsync("localnet", "up", "--dir", _layout.Root, "-o", "json");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(pids, JsonNode.Parse(again.Out)!["nodes"]!.AsArray().Select(n => (int)n!["pid"]!));

        var nodes = await WaitForHeightAsync(2, TimeSpan.FromSeconds(60));
        Assert.Equal(NetworkInitializer.DefaultDepartments, nodes.Select(n => (string)n["department"]!));
        Assert.All(nodes, n =>
        {
            Assert.True((bool)n["reachable"]!);
            Assert.Equal("govchain-local", (string?)n["chain_id"]);
            Assert.Equal(3, n["peers"]!.AsArray().Count);
        });

        var table = await CliRunner.RunAsync("localnet", "status", "--dir", _layout.Root);
        Assert.Equal(0, table.ExitCode);
        foreach (var d in NetworkInitializer.DefaultDepartments)
        {
            Assert.Contains(d, table.Out, StringComparison.Ordinal);
        }

        Assert.Contains("commit latency", table.Out, StringComparison.Ordinal);

        var down = await CliRunner.RunAsync("localnet", "down", "--dir", _layout.Root, "-o", "json");
        Assert.True(down.ExitCode == 0, down.Error);
        Assert.Equal(4, JsonNode.Parse(down.Out)!["stopped"]!.AsArray().Count);
        Assert.All(pids, pid => Assert.False(Posix.IsAlive(pid)));
        Assert.All(NetworkInitializer.DefaultDepartments, d => Assert.False(File.Exists(_layout.PidFile(d))));
        Assert.Contains("stopped at height", File.ReadAllText(_layout.LogFile("finance")), StringComparison.Ordinal);

        // With every node down, status still prints a row per node and says so by its exit code.
        var after = await CliRunner.RunAsync("status", "--dir", _layout.Root, "-o", "json");
        Assert.Equal(5, after.ExitCode);
        Assert.All(JsonNode.Parse(after.Out)!["nodes"]!.AsArray(), n => Assert.False((bool)n!["reachable"]!));
    }

    [Fact]
    public async Task Status_WithoutNodes_FailsWithOneLine()
    {
        var run = await CliRunner.RunAsync("status");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: name the nodes: --node URL (repeatable) or --dir FOLDER", run.Error.Trim());
    }

    [Fact]
    public async Task Status_BadNodeAddress_FailsWithOneLine()
    {
        var run = await CliRunner.RunAsync("status", "--node", "ftp://127.0.0.1:1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not an http:// or https:// address", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_FolderWithoutNetwork_FailsWithOneLine()
    {
        var run = await CliRunner.RunAsync("localnet", "down", "--dir", _temp.Sub("nothing"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("network init", run.Error, StringComparison.Ordinal);
    }

    private async Task<List<JsonObject>> WaitForHeightAsync(ulong height, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var status = await CliRunner.RunAsync("status", "--dir", _layout.Root, "-o", "json");
            var nodes = JsonNode.Parse(status.Out)!["nodes"]!.AsArray().Select(n => n!.AsObject()).ToList();
            if (status.ExitCode == 0 && nodes.All(n => (ulong)n["height"]! >= height))
            {
                return nodes;
            }

            Assert.True(DateTime.UtcNow < deadline, string.Create(CultureInfo.InvariantCulture, $"the nodes did not reach height {height}: {status.Out}"));
            await Task.Delay(250);
        }
    }
}

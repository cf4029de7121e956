using System.Diagnostics;

namespace GovChain.LoadGen.Tests;

/// <summary>
/// Real node processes from the CLI's build output. One class, so its tests run one after the
/// other: each checks that nothing it started outlives it.
/// </summary>
public sealed class NodeProcessTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task NodeProcessGroup_StartedAndDisposed_ServesMeasuresCpuPerNodeThenLeavesNoProcessOrFolder()
    {
        string root;
        var pids = new List<int>();
        using (var network = new BenchNetwork(registrarCount: 2, maxBlockTxs: 100, syncWrites: false, proposeMs: 1000))
        {
            root = network.Root;
            await using (var nodes = new NodeProcessGroup(network, CliLocator.Find(null)))
            {
                await nodes.StartAllAsync(StartLimit, CancellationToken.None);
                for (var i = 0; i < network.Count; i++)
                {
                    pids.Add(nodes.ProcessId(i)!.Value);
                    Assert.True(nodes.CpuTime(i) > TimeSpan.Zero, $"node {i} reports no CPU time");
                    var status = await network.Client(i).GetStatusAsync(TimeSpan.FromSeconds(30));
                    Assert.Equal("govchain-loadgen", status.ChainId);
                }

                Assert.Equal(network.Count, pids.Distinct().Count());
                Assert.Equal(network.Count, ChildProcesses.Count);
            }

            Assert.Equal(0, ChildProcesses.Count);
            Assert.All(pids, pid => Assert.False(IsRunning(pid), $"PID {pid} still runs after dispose"));
        }

        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public async Task ExecuteAsync_SmallFixedRate_CommitsEverythingWithCpuForEachNode_AndStopsItsNodes()
    {
        var options = LoadGenOptions.Parse(["--rate", "20", "--duration", "2", "--senders", "20", "--drain", "90"]);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var result = await BenchmarkRun.ExecuteAsync(options, limit.Token);

        Assert.True(BenchmarkRun.Verdict(result, TextWriter.Null), $"committed {result.Committed} of {result.Submitted}, failed {result.FailedSubmissions}, errors {result.ReceiptErrors}");
        Assert.Equal("processes", result.Mode);
        // 20/s for 2 s offers at most 40; the offer ends with the duration, so a slow start offers fewer.
        Assert.InRange(result.Submitted, 1, 40);
        Assert.Equal(result.Submitted, result.Committed);
        Assert.All(result.NodeCpuSeconds, s => Assert.True(s > 0));
        Assert.True(result.P50Ms > 0 && result.P50Ms <= result.P99Ms);
        Assert.True(result.VerifyPerSecond > 0);
        Assert.Equal(0, ChildProcesses.Count);
    }

    [Fact]
    public async Task NodeProcessGroup_NodeThatCannotStart_FailsWithItsLogAndLeavesNothingRunning()
    {
        using var network = new BenchNetwork(registrarCount: 1, maxBlockTxs: 100, syncWrites: false, proposeMs: 1000);
        // A configuration the node refuses: it must exit, and the start must say why instead of waiting out its limit.
        File.WriteAllText(network.ConfigFile(2), "{ \"DepartmentId\": \"education\", \"NoSuchSetting\": 1 }");
        var nodes = new NodeProcessGroup(network, CliLocator.Find(null));
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => nodes.StartAllAsync(StartLimit, CancellationToken.None));
            Assert.Contains("education", error.Message, StringComparison.Ordinal);
            Assert.Contains("NoSuchSetting", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await nodes.DisposeAsync();
        }

        Assert.Equal(0, ChildProcesses.Count);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited && ProcessCpu.Read(pid) is not null;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

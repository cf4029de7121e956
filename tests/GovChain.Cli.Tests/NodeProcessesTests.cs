using System.Diagnostics;
using System.Globalization;
using GovChain.Cli.Localnet;
using GovChain.Cli.Tests.Support;

namespace GovChain.Cli.Tests;

public sealed class NodeProcessesTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly NetworkLayout _layout;

    public NodeProcessesTests()
    {
        _layout = new NetworkLayout(_temp.Path);
        Directory.CreateDirectory(_layout.DepartmentDirectory("finance"));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void RunningPid_ProcessGone_ForgetsTheRecord()
    {
        using var exited = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        exited.WaitForExit(10_000);
        File.WriteAllText(_layout.PidFile("finance"), exited.Id.ToString(CultureInfo.InvariantCulture));

        Assert.Null(NodeProcesses.RunningPid(_layout, "finance"));
        Assert.False(File.Exists(_layout.PidFile("finance")));
    }

    [Fact]
    public async Task RunningPid_PidReusedByAnotherProgram_IsNotOurNode_AndIsNeverSignalled()
    {
        // This test process is alive, but it does not run finance's node configuration.
        File.WriteAllText(_layout.PidFile("finance"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        Assert.Null(NodeProcesses.RunningPid(_layout, "finance"));
        Assert.False(await NodeProcesses.StopAsync(_layout, "finance", TimeSpan.FromSeconds(1)));
        Assert.True(Posix.IsAlive(Environment.ProcessId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-pid")]
    [InlineData("1")]
    public void RunningPid_CorruptRecord_IsDiscarded(string content)
    {
        File.WriteAllText(_layout.PidFile("finance"), content);

        Assert.Null(NodeProcesses.RunningPid(_layout, "finance"));
        Assert.False(File.Exists(_layout.PidFile("finance")));
    }
}

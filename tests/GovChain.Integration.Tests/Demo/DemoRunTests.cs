using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GovChain.Integration.Tests.Processes;
using Xunit.Abstractions;

namespace GovChain.Integration.Tests.Demo;

/// <summary>
/// Runs the real demo (<c>govchain demo</c>, the CLI's build output) as a child process, as
/// README's first command does, and checks that it tells every step of the walkthrough, ends
/// with success, and leaves none of the node processes it started behind.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed partial class DemoRunTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ScanInterval = TimeSpan.FromMilliseconds(200);
    private readonly ITestOutputHelper _output;

    // The demo makes its network folder under TMPDIR; a folder of our own makes its node
    // processes recognisable by their command lines (--config <folder>/<department>/node.json).
    private readonly string _temp = Directory.CreateTempSubdirectory("govchain-demo-test-").FullName;

    public DemoRunTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose()
    {
        // Only after a failure can anything be left: the test must not leak it.
        ProcessTable.KillMatching(_temp);
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A node killed just now may hold a file an instant longer; the OS temp folder is cleaned anyway.
        }
    }

    [Fact]
    public async Task Demo_RunsEveryStepOfTheWalkthrough_ExitsZero_AndLeavesNoNodeRunning()
    {
        var (exitCode, text, seen) = await RunDemoAsync();
        _output.WriteLine(text);

        Assert.True(exitCode == 0, $"the demo exited with {exitCode}");

        // Parcels registered.
        Assert.Contains("Land registry: parcels registered", text, StringComparison.Ordinal);
        Assert.Equal(3, RegisteredParcel().Matches(text).Count);

        // A lien blocks the transfer; released, the transfer completes.
        Assert.Contains("the bank registered lien MORTGAGE-77 on LR-2026-0001", text, StringComparison.Ordinal);
        Assert.Matches(@"registrar's approval refused in block \d+ \(code [1-9]\d*\): [^•]*lien", text);
        Assert.Contains("the bank released the lien", text, StringComparison.Ordinal);
        Assert.Matches(@"registrar approved: block \d+, \d+ ms; the justice node reads Bob as the owner", text);

        // A diploma issued and verified.
        Assert.Matches(@"the university issued DIPLOMA-2026-0415 to Carla: block \d+", text);
        Assert.Contains("an employer asks the land-registry node: valid", text, StringComparison.Ordinal);

        // A tender with sealed bids, awarded to the lowest revealed bid.
        Assert.Contains("two sealed bids committed", text, StringComparison.Ordinal);
        Assert.Matches(@"awarded at block \d+ \(\d+ ms\) to Borealis Build for 870,000, 2 valid bids", text);

        // One node killed; the others carry on without it.
        Assert.Contains("justice's process received SIGKILL", text, StringComparison.Ordinal);
        Assert.Matches(@"LR-2026-0004 registered with 3 of 4 nodes up: block \d+, \d+ ms, certified by education, finance, land-registry", text);

        // The node restarted and caught up.
        var caughtUp = CaughtUp().Match(text);
        Assert.True(caughtUp.Success, "the demo does not say the restarted node caught up");
        Assert.True(
            ulong.Parse(caughtUp.Groups["reached"].Value, CultureInfo.InvariantCulture) >= ulong.Parse(caughtUp.Groups["others"].Value, CultureInfo.InvariantCulture),
            caughtUp.Value);
        Assert.Contains("committed while it was down", text, StringComparison.Ordinal);

        // The offline proof verified, the forged one refused.
        Assert.Matches(@"PROVEN: land/parcel/LR-2026-0001 holds a \d+-byte record .* certified by", text);
        Assert.Contains("= Bob", text, StringComparison.Ordinal);
        Assert.Contains("the same proof naming another owner: NOT PROVEN", text, StringComparison.Ordinal);

        Assert.Contains("Demo complete", text, StringComparison.Ordinal);
        Assert.Contains("Stopped 4 node processes.", text, StringComparison.Ordinal);

        // The four nodes it announced were seen running, and none of them, nor any other process
        // of its network folder, outlived the demo. The folder itself is gone.
        var announced = StartedPid().Matches(text).Select(m => int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, announced.Count);
        Assert.Subset(seen, announced.ToHashSet());
        Assert.All(seen, pid => Assert.False(ProcessTable.Runs(pid, _temp), $"node process {pid} is still running"));
        Assert.Empty(ProcessTable.Matching(_temp));
        Assert.Empty(Directory.GetDirectories(_temp, "govchain-demo-*"));
    }

    /// <summary>Runs the demo to its end (bounded), noting every process of its folder seen meanwhile.</summary>
    private async Task<(int ExitCode, string Text, HashSet<int> Seen)> RunDemoAsync()
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _temp,
        };
        info.ArgumentList.Add(LocateCli());
        info.ArgumentList.Add("demo");
        info.Environment["TMPDIR"] = _temp;
        info.Environment["NO_COLOR"] = "1";
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("GOVCHAIN__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data is null ? null : "[stderr] " + e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var seen = new HashSet<int>();
        var exited = process.WaitForExitAsync();
        var watch = Stopwatch.StartNew();
        while (!exited.IsCompleted)
        {
            if (watch.Elapsed > Limit)
            {
                process.Kill(entireProcessTree: true);
                ProcessTable.KillMatching(_temp);
                throw new TimeoutException($"govchain demo did not finish within {Limit}:\n{Text(output)}");
            }

            seen.UnionWith(ProcessTable.Matching(_temp));
            await Task.WhenAny(exited, Task.Delay(ScanInterval));
        }

        // Flushes the redirected streams' last lines.
        await process.WaitForExitAsync();
        return (process.ExitCode, Text(output), seen);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    // The console wraps long lines and may colour words: compare text with escapes removed and every run of white space as one space.
    private static string Text(StringBuilder output)
    {
        string raw;
        lock (output)
        {
            raw = output.ToString();
        }

        return WhiteSpace().Replace(AnsiEscape().Replace(raw, string.Empty), " ");
    }

    /// <summary>govchain.dll from the CLI's build output, of the same configuration as this test assembly.</summary>
    private static string LocateCli()
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = baseDirectory.Name;
        var configuration = baseDirectory.Parent!.Name;
        for (var dir = baseDirectory; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GovChain.sln")))
            {
                var cli = Path.Combine(dir.FullName, "tools", "Cli", "bin", configuration, framework, "govchain.dll");
                return File.Exists(cli)
                    ? cli
                    : throw new FileNotFoundException($"The CLI is not built at {cli}; the test project's reference to tools/Cli builds it.", cli);
            }
        }

        throw new DirectoryNotFoundException($"No GovChain.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"registrar registered LR-2026-000[1-3] to Alice: block \d+")]
    private static partial Regex RegisteredParcel();

    [GeneratedRegex(@"justice restarted from its own data directory and reached height (?<reached>\d+) \(the others were at (?<others>\d+)\)")]
    private static partial Regex CaughtUp();

    [GeneratedRegex(@"(?<department>[a-z-]+): started, PID (?<pid>\d+)")]
    private static partial Regex StartedPid();

    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GovChain.Node.Setup;

namespace GovChain.LoadGen;

/// <summary>
/// A four-member etcd cluster (Debian's etcd-server) on loopback ports free at start, in a temp
/// folder, for the baseline of <c>--compare-etcd</c>: a replicated log with an fsync per commit,
/// without signatures or Merkle state. Disposing stops every member (SIGTERM, then SIGKILL) and
/// deletes the folder.
/// </summary>
internal sealed partial class EtcdCluster : IAsyncDisposable
{
    public const int Members = 4;

    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    private readonly string _root;
    private readonly int[] _clientPorts;
    private readonly List<Process> _members = [];

    private EtcdCluster(string root, int[] clientPorts)
    {
        _root = root;
        _clientPorts = clientPorts;
    }

    /// <summary>Comma-separated client URLs of every member.</summary>
    public string Endpoints => string.Join(',', _clientPorts.Select(p => $"http://127.0.0.1:{p}"));

    /// <summary>Null when etcd and etcdctl are both on PATH; otherwise what to do about it.</summary>
    public static string? MissingTools()
    {
        var missing = new[] { "etcd", "etcdctl" }.Where(t => FindOnPath(t) is null).ToList();
        return missing.Count == 0
            ? null
            : $"--compare-etcd needs {string.Join(" and ", missing)} on PATH (Debian's etcd-server and etcd-client): run scripts/setup.sh --etcd";
    }

    public static async Task<EtcdCluster> StartAsync(TimeSpan limit, CancellationToken ct)
    {
        var ports = LoopbackPorts.TakeFree(Members * 2);
        var root = Directory.CreateTempSubdirectory("govchain-etcd-").FullName;
        var cluster = new EtcdCluster(root, ports[..Members]);
        try
        {
            var peers = ports[Members..];
            var initial = string.Join(',', Enumerable.Range(0, Members).Select(i => $"m{i}=http://127.0.0.1:{peers[i]}"));
            for (var i = 0; i < Members; i++)
            {
                cluster.StartMember(i, cluster._clientPorts[i], peers[i], initial);
            }

            await cluster.WaitHealthyAsync(limit, ct).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// <c>etcdctl check perf --load=LOAD</c> against every member (60 s of writes from many
    /// clients); its reported throughput in writes/s.
    /// </summary>
    public async Task<double> CheckPerfAsync(string load, CancellationToken ct)
    {
        var (exit, output) = await RunAsync("etcdctl", ["--endpoints", Endpoints, "check", "perf", "--load", load], TimeSpan.FromSeconds(180), ct).ConfigureAwait(false);
        return ParseThroughput(output) ?? throw new InvalidOperationException($"etcdctl check perf (exit {exit}) printed no throughput: {Tail(output)}");
    }

    /// <summary>The writes/s of <c>etcdctl check perf</c>'s "PASS: Throughput is N writes/s" (or its FAIL line); null when absent.</summary>
    public static double? ParseThroughput(string output)
    {
        var match = Throughput().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _members)
        {
            ChildProcesses.Terminate(p);
        }

        foreach (var p in _members)
        {
            using var bound = new CancellationTokenSource(StopBound);
            try
            {
                await p.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"warning: etcd PID {p.Id} did not stop within {StopBound.TotalSeconds:0} s of SIGTERM; killing it");
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5_000);
            }

            ChildProcesses.Forget(p);
            p.Dispose();
        }

        _members.Clear();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"warning: could not delete {_root}: {ex.Message}");
        }
    }

    private void StartMember(int i, int clientPort, int peerPort, string initialCluster)
    {
        var info = new ProcessStartInfo("etcd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        foreach (var a in new[]
        {
            "--name", $"m{i}",
            "--data-dir", Path.Combine(_root, $"m{i}"),
            "--listen-client-urls", $"http://127.0.0.1:{clientPort}",
            "--advertise-client-urls", $"http://127.0.0.1:{clientPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", initialCluster,
            "--initial-cluster-token", "govchain-loadgen",
            "--initial-cluster-state", "new",
            "--logger", "zap",
            "--log-level", "error",
        })
        {
            info.ArgumentList.Add(a);
        }

        // The packaged defaults (ETCD_* from /etc/default/etcd) must not change the members.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("ETCD_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        var log = new StreamWriter(Path.Combine(_root, $"m{i}.log"), append: true, new UTF8Encoding(false)) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        process.Start();
        ChildProcesses.Track(process);
        _members.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The member has exited.
            }
        }
    }

    private async Task WaitHealthyAsync(TimeSpan limit, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var last = string.Empty;
        while (deadline.Elapsed < limit)
        {
            if (_members.FirstOrDefault(p => p.HasExited) is { } gone)
            {
                throw new InvalidOperationException($"etcd member PID {gone.Id} exited with {gone.ExitCode}; see {_root}");
            }

            var (exit, output) = await RunAsync("etcdctl", ["--endpoints", Endpoints, "endpoint", "health"], TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
            if (exit == 0)
            {
                return;
            }

            last = output;
            await Task.Delay(500, ct).ConfigureAwait(false);
        }

        throw new TimeoutException($"the etcd cluster was not healthy within {limit.TotalSeconds:0} s: {Tail(last)}");
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, string[] args, TimeSpan limit, CancellationToken ct)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["ETCDCTL_API"] = "3";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        ChildProcesses.Track(process);
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(limit);
            var stdout = process.StandardOutput.ReadToEndAsync(bound.Token);
            var stderr = process.StandardError.ReadToEndAsync(bound.Token);
            try
            {
                await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {limit.TotalSeconds:0} s");
            }

            return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            ChildProcesses.Forget(process);
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static string Tail(string s) => s.Length <= 400 ? s.Trim() : s[^400..].Trim();

    [GeneratedRegex(@"Throughput (?:is|too low:) (\d+(?:\.\d+)?) writes/s")]
    private static partial Regex Throughput();
}

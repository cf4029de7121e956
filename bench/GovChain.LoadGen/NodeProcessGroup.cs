using System.Diagnostics;
using System.Text;
using Grpc.Core;

namespace GovChain.LoadGen;

/// <summary>
/// The four nodes as separate operating-system processes, the shape a department deploys:
/// <c>dotnet govchain.dll node run --config DEPT/node.json --log-level Warning</c>, each with its
/// output in DEPT/node.log. Disposing sends SIGTERM (a node finishes its current write), waits
/// a bounded time, then SIGKILLs whatever is left.
/// </summary>
internal sealed class NodeProcessGroup : IBenchNodes
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    private readonly BenchNetwork _network;
    private readonly string _cliAssembly;
    private readonly Process?[] _processes;
    private readonly StreamWriter?[] _logs;

    public NodeProcessGroup(BenchNetwork network, string cliAssembly)
    {
        _network = network;
        _cliAssembly = cliAssembly;
        _processes = new Process?[network.Count];
        _logs = new StreamWriter?[network.Count];
    }

    public string Mode => "processes";

    public int? ProcessId(int i) => _processes[i]?.Id;

    public string LogFile(int i) => Path.Combine(Path.GetDirectoryName(_network.ConfigFile(i))!, "node.log");

    public async Task StartAllAsync(TimeSpan limit, CancellationToken ct)
    {
        for (var i = 0; i < _processes.Length; i++)
        {
            Start(i);
        }

        await Task.WhenAll(Enumerable.Range(0, _processes.Length).Select(i => WaitServingAsync(i, limit, ct))).ConfigureAwait(false);
    }

    public TimeSpan? CpuTime(int i) => _processes[i] is { } p ? ProcessCpu.Read(p.Id) : null;

    public async ValueTask DisposeAsync()
    {
        var running = _processes.Where(p => p is not null).Cast<Process>().ToArray();
        foreach (var p in running)
        {
            ChildProcesses.Terminate(p);
        }

        using var bound = new CancellationTokenSource(StopBound);
        foreach (var p in running)
        {
            try
            {
                await p.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"warning: node PID {p.Id} did not stop within {StopBound.TotalSeconds:0} s of SIGTERM; killing it");
            }
        }

        foreach (var p in running)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                Console.Error.WriteLine($"warning: node PID {p.Id}: {ex.Message}");
            }

            ChildProcesses.Forget(p);
            p.Dispose();
        }

        for (var i = 0; i < _logs.Length; i++)
        {
            lock (_logs)
            {
                _logs[i]?.Dispose();
                _logs[i] = null;
            }

            _processes[i] = null;
        }
    }

    private void Start(int i)
    {
        var config = _network.ConfigFile(i);
        var info = new ProcessStartInfo(CliLocator.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(config)!,
        };
        foreach (var a in new[] { _cliAssembly, "node", "run", "--config", config, "--log-level", "Warning" })
        {
            info.ArgumentList.Add(a);
        }

        // The configuration file alone decides: no override inherited from this shell.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("GOVCHAIN__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        var log = new StreamWriter(new FileStream(LogFile(i), FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        lock (_logs)
        {
            _logs[i] = log;
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(i, e.Data);
        process.ErrorDataReceived += (_, e) => Append(i, e.Data is null ? null : "[stderr] " + e.Data);
        process.Start();
        ChildProcesses.Track(process);
        _processes[i] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private async Task WaitServingAsync(int i, TimeSpan limit, CancellationToken ct)
    {
        var client = _network.Client(i, TimeSpan.FromSeconds(2));
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (_processes[i] is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"node {_network.DepartmentId(i)} exited with code {exited.ExitCode} before serving: {Tail(i)}");
            }

            try
            {
                await client.GetStatusAsync(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                throw new TimeoutException($"node {_network.DepartmentId(i)} did not serve its client API within {limit.TotalSeconds:0} s ({ex.Status}): {Tail(i)}", ex);
            }
        }
    }

    private void Append(int i, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logs)
        {
            _logs[i]?.WriteLine(line);
        }
    }

    private string Tail(int i)
    {
        try
        {
            using var stream = new FileStream(LogFile(i), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join(" | ", reader.ReadToEnd().Split('\n').Where(l => l.Trim().Length > 0).TakeLast(5));
        }
        catch (IOException ex)
        {
            return $"(log unreadable: {ex.Message})";
        }
    }
}

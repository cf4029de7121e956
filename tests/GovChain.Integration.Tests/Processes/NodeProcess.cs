using System.Diagnostics;
using System.Text;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// One department's node as a child process (<c>dotnet govchain.dll node run --config FILE</c>),
/// its stdout and stderr appended to a log file that outlives restarts so a failure can show
/// what every incarnation said.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";
    private readonly string _cliAssembly;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly object _logLock = new();
    private StreamWriter? _log;
    private Process? _process;
    private int _incarnation;

    /// <param name="extraArguments">Appended after <c>node run --config FILE</c> (a test-only program's options).</param>
    public NodeProcess(string cliAssembly, string configFile, string logFile, IReadOnlyList<string>? extraArguments = null)
    {
        _cliAssembly = cliAssembly;
        _extraArguments = extraArguments ?? [];
        ConfigFile = configFile;
        LogFile = logFile;
    }

    public string ConfigFile { get; }

    public string LogFile { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The exit code when the process has ended by itself (null while running or when never started).</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{ConfigFile} is already running.");
        }

        _process?.Dispose();
        // The muxer that runs these tests (the SDK exports its path to child processes), else the one on PATH.
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ConfigFile)!,
        };
        info.ArgumentList.Add(_cliAssembly);
        info.ArgumentList.Add("node");
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(ConfigFile);
        foreach (var argument in _extraArguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The configuration file alone decides: no override inherited from the test's environment.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("GOVCHAIN__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        lock (_logLock)
        {
            _log ??= new StreamWriter(new FileStream(LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
            _incarnation++;
            _log.WriteLine($"==== start #{_incarnation} at {DateTime.UtcNow:O} ====");
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data is null ? null : "[stderr] " + e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL: no shutdown hook, no flush — the crash the node must survive.</summary>
    public void Kill()
    {
        if (_process is { } process && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            lock (_logLock)
            {
                _log?.WriteLine($"==== killed (SIGKILL) at {DateTime.UtcNow:O} ====");
            }
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the log, for a failure message, without per-request lines.</summary>
    public string Tail(int lines)
    {
        lock (_logLock)
        {
            _log?.Flush();
        }

        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            // ASP.NET Core logs every gRPC call at Information; in a tail they would hide what the node said.
            var all = reader.ReadToEnd().Split('\n').Where(l => !l.Contains(RequestLogCategory, StringComparison.Ordinal));
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(log unreadable: {ex.Message})";
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process?.Dispose();
        lock (_logLock)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log?.WriteLine(line);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using GovChain.Cli.Infrastructure;
using GovChain.Client;
using Grpc.Core;

namespace GovChain.Cli.Localnet;

/// <summary>
/// Starts and stops a network folder's nodes as detached processes
/// (<c>dotnet govchain.dll node run --config DEPT/node.json</c>), each writing its own log,
/// their PIDs recorded in DEPT/node.pid.
/// </summary>
internal static class NodeProcesses
{
    public static readonly TimeSpan DefaultStopBound = TimeSpan.FromSeconds(10);

    /// <summary>Starts the department's node unless its recorded process still runs; returns its PID.</summary>
    public static int Start(NetworkLayout layout, string department)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (RunningPid(layout, department) is { } running)
        {
            return running;
        }

        var config = layout.ConfigFile(department);
        if (!File.Exists(config))
        {
            throw new CliError($"'{config}' does not exist; the folder holds no node for '{department}'");
        }

        var (host, prefix) = DotnetHost();
        // The shell only redirects and execs: the PID it gets is the node's. setsid puts the node in
        // its own session, so a Ctrl+C at the terminal that started it does not reach it.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = layout.DepartmentDirectory(department) };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(File.Exists("/usr/bin/setsid")
            ? "exec /usr/bin/setsid \"$0\" \"$@\" >>\"$GOVCHAIN_NODE_LOG\" 2>&1 </dev/null"
            : "exec \"$0\" \"$@\" >>\"$GOVCHAIN_NODE_LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add(host);
        foreach (var a in prefix)
        {
            info.ArgumentList.Add(a);
        }

        info.ArgumentList.Add("node");
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
        info.Environment["GOVCHAIN_NODE_LOG"] = layout.LogFile(department);

        using var process = Process.Start(info) ?? throw new CliError($"cannot start the node of '{department}'");
        File.WriteAllText(layout.PidFile(department), process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        return process.Id;
    }

    /// <summary>The PID of the department's node if it was recorded and that process still runs our node.</summary>
    public static int? RunningPid(NetworkLayout layout, string department)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var file = layout.PidFile(department);
        if (!File.Exists(file))
        {
            return null;
        }

        if (!int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
        {
            File.Delete(file);
            return null;
        }

        // A PID is reused once its process is gone: only a process running this node's config counts.
        // While the shell execs into setsid and then dotnet, /proc/PID/cmdline can read empty for an
        // instant: that is our node starting, not another program.
        var alive = Posix.IsAlive(pid)
            && (Posix.CommandLine(pid) is not { Length: > 0 } cmd || cmd.Contains(layout.ConfigFile(department), StringComparison.Ordinal));
        if (!alive)
        {
            File.Delete(file);
            return null;
        }

        return pid;
    }

    /// <summary>SIGTERM (the node finishes the block it writes), SIGKILL after <paramref name="bound"/>; the PID record is removed.</summary>
    public static async Task<bool> StopAsync(NetworkLayout layout, string department, TimeSpan bound)
    {
        if (RunningPid(layout, department) is not { } pid)
        {
            return false;
        }

        Posix.Signal(pid, Posix.SigTerm);
        if (!await WaitGoneAsync(pid, bound).ConfigureAwait(false))
        {
            Posix.Signal(pid, Posix.SigKill);
            if (!await WaitGoneAsync(pid, TimeSpan.FromSeconds(5)).ConfigureAwait(false))
            {
                throw new CliError($"the node of '{department}' (PID {pid}) does not stop, even after SIGKILL");
            }
        }

        File.Delete(layout.PidFile(department));
        return true;
    }

    /// <summary>SIGKILL at once, as a crash would: nothing is flushed or closed.</summary>
    public static async Task KillAsync(NetworkLayout layout, string department)
    {
        if (RunningPid(layout, department) is not { } pid)
        {
            throw new CliError($"the node of '{department}' is not running");
        }

        Posix.Signal(pid, Posix.SigKill);
        if (!await WaitGoneAsync(pid, TimeSpan.FromSeconds(5)).ConfigureAwait(false))
        {
            throw new CliError($"the node of '{department}' (PID {pid}) survived SIGKILL");
        }

        File.Delete(layout.PidFile(department));
    }

    /// <summary>Waits (bounded) until the node's client API answers; fails early, with its log's last line, if the node exits.</summary>
    public static async Task WaitReadyAsync(NetworkLayout layout, ManifestDepartment department, System.Security.Cryptography.X509Certificates.X509Certificate2Collection pinned, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(department);
        using var client = NodeClients.Create(department.ClientUri, pinned, TimeSpan.FromSeconds(2), RetryPolicy.None);
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            if (RunningPid(layout, department.Id) is null)
            {
                throw new CliError($"the node of '{department.Id}' exited: {LastLogLine(layout.LogFile(department.Id))}");
            }

            try
            {
                await client.GetStatusAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                throw new CliError($"the node of '{department.Id}' did not answer within {bound.TotalSeconds:0} s: {ex.Status.Detail}");
            }
        }
    }

    private static async Task<bool> WaitGoneAsync(int pid, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (Posix.IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>How to run this very CLI again: the dotnet host with govchain.dll.</summary>
    private static (string Host, string[] Prefix) DotnetHost()
    {
        var dll = typeof(NodeProcesses).Assembly.Location;
        var current = Environment.ProcessPath;
        var host = current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
        return (host, [dll]);
    }

    private static string LastLogLine(string logFile)
    {
        try
        {
            var last = File.ReadLines(logFile).Where(l => l.Trim().Length > 0).TakeLast(3);
            return string.Join(" | ", last.Select(l => l.Trim()));
        }
        catch (IOException)
        {
            return "no log";
        }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GovChain.LoadGen;

/// <summary>
/// Every process this load generator started and has not yet stopped. The normal path stops
/// them in <see cref="NodeProcessGroup.DisposeAsync"/>; this list is the backstop for the
/// paths that skip it (process exit, an unhandled exception), where they are killed at once.
/// </summary>
internal static partial class ChildProcesses
{
    public const int SigTerm = 15;

    private static readonly Lock Gate = new();
    private static readonly HashSet<Process> Running = [];

    public static void Track(Process process)
    {
        lock (Gate)
        {
            Running.Add(process);
        }
    }

    public static void Forget(Process process)
    {
        lock (Gate)
        {
            Running.Remove(process);
        }
    }

    public static int Count
    {
        get
        {
            lock (Gate)
            {
                return Running.Count;
            }
        }
    }

    /// <summary>SIGKILL to every tracked process still running (and its children); waits briefly for each.</summary>
    public static void KillAll()
    {
        Process[] all;
        lock (Gate)
        {
            all = [.. Running];
            Running.Clear();
        }

        foreach (var process in all)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5_000);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Sends SIGTERM, which a node answers by finishing the block it writes and exiting.</summary>
    public static bool Terminate(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            return !process.HasExited && Kill(process.Id, SigTerm) == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace GovChain.Cli.Localnet;

/// <summary>Signals to processes this CLI started in an earlier run (Process.Kill only sends SIGKILL).</summary>
internal static partial class Posix
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var text = File.ReadAllText(stat);
                var close = text.LastIndexOf(')');
                return close > 0 && close + 2 < text.Length && text[close + 2] != 'Z';
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        return Kill(pid, 0) == 0;
    }

    /// <summary>The process's command line (Linux), to check a recorded PID still belongs to our node.</summary>
    public static string? CommandLine(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

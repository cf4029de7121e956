using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GovChain.Integration.Tests.Demo;

/// <summary>
/// The processes of this machine whose command line names a marker (a folder only one test
/// uses), read from /proc: how a test sees node processes that a child started and detached.
/// </summary>
internal static class ProcessTable
{
    /// <summary>PIDs of live (not zombie) processes whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> Matching(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Runs(pid, marker))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="pid"/> is alive and still the process that names <paramref name="marker"/> (a PID can be reused).</summary>
    public static bool Runs(int pid, string marker)
    {
        var proc = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
        try
        {
            var stat = File.ReadAllText(proc + "/stat");
            var close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 >= stat.Length || stat[close + 2] == 'Z')
            {
                return false;
            }

            var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes(proc + "/cmdline")).Replace('\0', ' ');
            return commandLine.Contains(marker, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process ended between the listing and the read.
            return false;
        }
    }

    /// <summary>SIGKILLs every process naming <paramref name="marker"/>: the clean-up of a test that failed midway.</summary>
    public static int KillMatching(string marker)
    {
        var killed = 0;
        foreach (var pid in Matching(marker))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed++;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }

        return killed;
    }
}

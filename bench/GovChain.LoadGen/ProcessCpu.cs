using System.Globalization;
using System.Runtime.InteropServices;

namespace GovChain.LoadGen;

/// <summary>
/// CPU time a process has used so far, from Linux's /proc/PID/stat: utime + stime (fields 14
/// and 15, all threads) in clock ticks. Read for the four node processes and the generator
/// itself before and after the measured window, it gives each one's cores used.
/// </summary>
internal static partial class ProcessCpu
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK in glibc's <bits/confname.h>

    private static readonly Lazy<long> TicksPerSecondLazy = new(() =>
    {
        var ticks = OperatingSystem.IsLinux() ? SysConf(ScClockTicks) : -1;
        return ticks > 0 ? ticks : 100;
    });

    public static long TicksPerSecond => TicksPerSecondLazy.Value;

    /// <summary>The process's user + system CPU time, or null when it has gone (or this is not Linux).</summary>
    public static TimeSpan? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return ParseStat(text, TicksPerSecond);
    }

    /// <summary>
    /// Parses one /proc/PID/stat line. The command name (field 2) sits in parentheses and may
    /// itself hold spaces and ')', so fields are counted from the last ')'.
    /// </summary>
    public static TimeSpan? ParseStat(string stat, long ticksPerSecond)
    {
        ArgumentNullException.ThrowIfNull(stat);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticksPerSecond);
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        // After ") ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system))
        {
            return null;
        }

        return TimeSpan.FromSeconds((double)(user + system) / ticksPerSecond);
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}

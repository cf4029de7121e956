using System.Diagnostics;

namespace GovChain.LoadGen;

/// <summary>CPU time used so far by the load generator and by each node; two snapshots give a window's usage.</summary>
internal sealed record CpuSnapshot(double LoadGeneratorSeconds, double?[] NodeSeconds)
{
    public static CpuSnapshot Take(IBenchNodes nodes, int count)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var self = ProcessCpu.Read(Environment.ProcessId) ?? Process.GetCurrentProcess().TotalProcessorTime;
        var perNode = new double?[count];
        for (var i = 0; i < count; i++)
        {
            perNode[i] = nodes.CpuTime(i)?.TotalSeconds;
        }

        return new CpuSnapshot(self.TotalSeconds, perNode);
    }

    /// <summary>What was used between <paramref name="earlier"/> and this snapshot; a node unreadable at either end has no figure.</summary>
    public CpuSnapshot Since(CpuSnapshot earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var perNode = new double?[NodeSeconds.Length];
        for (var i = 0; i < perNode.Length; i++)
        {
            perNode[i] = NodeSeconds[i] is { } now && earlier.NodeSeconds[i] is { } then ? Math.Max(0, now - then) : null;
        }

        return new CpuSnapshot(Math.Max(0, LoadGeneratorSeconds - earlier.LoadGeneratorSeconds), perNode);
    }
}

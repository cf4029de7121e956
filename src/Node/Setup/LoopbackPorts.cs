using System.Net;
using System.Net.Sockets;

namespace GovChain.Node.Setup;

/// <summary>
/// Loopback ports free right now. Genesis must name every peer endpoint before the nodes bind
/// them, so the ports are reserved by binding port 0 and released just before use.
/// </summary>
public static class LoopbackPorts
{
    public static int[] TakeFree(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1024);
        var listeners = new List<TcpListener>(count);
        try
        {
            // All held open together, so the system hands out distinct ports.
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

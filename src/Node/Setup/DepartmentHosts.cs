using System.Globalization;
using System.Net;

namespace GovChain.Node.Setup;

/// <summary>
/// The names a department's node is reached by: the first is the host of its endpoints (the one
/// genesis lists), every one is a subject alternative name of its TLS certificate. A peer that
/// dials a name the certificate does not carry fails the handshake, so the certificate must name
/// every host the department will be reached by.
/// </summary>
public sealed record DepartmentHosts
{
    /// <summary>What a department of a local network is reached by: loopback only.</summary>
    public static DepartmentHosts Loopback { get; } = new([NetworkBlueprint.LoopbackHost, "localhost"]);

    public DepartmentHosts(IReadOnlyList<string> names, int peerPort = 0)
    {
        ArgumentNullException.ThrowIfNull(names);
        Names = names;
        PeerPort = peerPort;
    }

    /// <summary>DNS names and IP addresses; the first is the endpoint's host.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The peer listener's port (the client API's is the one below it); 0 takes the blueprint's port.</summary>
    public int PeerPort { get; }

    public string EndpointHost => Names[0];

    /// <summary>Every name is loopback: 127.0.0.0/8, ::1 or localhost.</summary>
    public bool IsLoopbackOnly => Names.All(IsLoopbackName);

    /// <summary>
    /// The address the node binds: the endpoint host when it is an IP address, every interface
    /// when it is a DNS name (the node cannot bind a name, and the name resolves elsewhere).
    /// </summary>
    public string ListenHost => IPAddress.TryParse(EndpointHost, out var ip)
        ? ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString()
        : IsLoopbackName(EndpointHost) ? NetworkBlueprint.LoopbackHost : "0.0.0.0";

    /// <summary>host:port, with an IPv6 address in brackets.</summary>
    public string Address(int port) =>
        (IPAddress.TryParse(EndpointHost, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : EndpointHost)
        + ":" + port.ToString(CultureInfo.InvariantCulture);

    public static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Null when <paramref name="host"/> can be a certificate's name; otherwise why not.</summary>
    public static string? Problem(string host)
    {
        if (string.IsNullOrWhiteSpace(host) || host.Length > 253)
        {
            return $"'{host}' is not a host name or IP address";
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return null;
        }

        return Uri.CheckHostName(host) == UriHostNameType.Dns && !host.Contains('*', StringComparison.Ordinal)
            ? null
            : $"'{host}' is not a host name or IP address";
    }
}

using System.Globalization;
using System.Net;
using GovChain.Cli.Infrastructure;
using GovChain.Node.Setup;

namespace GovChain.Cli.Localnet;

/// <summary>
/// Parses <c>--endpoints dept=host[:port],...</c>: the first entry of a department is the host
/// (and optionally the peer port) genesis lists for it; further entries of the same department add
/// names its certificate carries. IPv6 addresses go in brackets when a port follows: <c>[2001:db8::1]:7401</c>.
/// </summary>
internal static class EndpointList
{
    public const int MaxEntries = 256;

    public static IReadOnlyDictionary<string, DepartmentHosts> Parse(string? text)
    {
        var names = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var entries = (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length > MaxEntries)
        {
            throw new CliError($"--endpoints: at most {MaxEntries} entries");
        }

        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == entry.Length - 1)
            {
                throw new CliError($"--endpoints: '{entry}' is not department=host[:port]");
            }

            var department = entry[..eq];
            var (host, port) = SplitHostPort(entry[(eq + 1)..], entry);
            if (!names.TryGetValue(department, out var list))
            {
                names[department] = list = [];
                ports[department] = port;
            }
            else if (port != 0)
            {
                throw new CliError($"--endpoints: '{entry}': only the first entry of '{department}' (its endpoint) takes a port; the others name its certificate");
            }

            if (!list.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                list.Add(host);
            }
        }

        return names.ToDictionary(n => n.Key, n => new DepartmentHosts(n.Value, ports[n.Key]), StringComparer.Ordinal);
    }

    private static (string Host, int Port) SplitHostPort(string value, string entry)
    {
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < value.Length && value[close + 1] != ':'))
            {
                throw new CliError($"--endpoints: '{entry}': an IPv6 address is written [address] or [address]:port");
            }

            host = value[1..close];
            port = close + 2 <= value.Length - 1 ? value[(close + 2)..] : close + 1 < value.Length ? string.Empty : null;
        }
        else if (value.Count(c => c == ':') == 1)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            host = value[..colon];
            port = value[(colon + 1)..];
        }
        else
        {
            host = value;
        }

        if (DepartmentHosts.Problem(host) is { } problem || (value.StartsWith('[') && !IPAddress.TryParse(host, out _)))
        {
            throw new CliError($"--endpoints: '{entry}': {DepartmentHosts.Problem(host) ?? $"'{host}' is not an IPv6 address"}");
        }

        if (port is null)
        {
            return (host, 0);
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1025 or > 65535)
        {
            throw new CliError($"--endpoints: '{entry}': the peer port must be 1025-65535 (the client API takes the port below it)");
        }

        return (host, number);
    }
}

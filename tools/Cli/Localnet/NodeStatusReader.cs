using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using GovChain.Client;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Cli.Localnet;

/// <summary>One node's answer to GetStatus, or why it gave none.</summary>
internal sealed record NodeStatusRow(Uri Address, NodeStatus? Status, string? Error)
{
    public static readonly string[] Columns = ["node", "department", "height", "round", "peers", "mempool", "commit latency", "state", "certificates"];

    public static readonly string[] CertificateColumns = ["node", "certificate of", "use", "not after (UTC)", "days left", "state"];

    public int ConnectedPeers => Status?.Peers.Count(p => p.Connected) ?? 0;

    public string[] ToCells()
    {
        if (Status is not { } s)
        {
            return [Address.Authority, "-", "-", "-", "-", "-", "-", "unreachable: " + Error];
        }

        return
        [
            Address.Authority,
            s.DepartmentId,
            s.Height.ToString(CultureInfo.InvariantCulture),
            s.Round.ToString(CultureInfo.InvariantCulture),
            $"{ConnectedPeers}/{s.Peers.Count}",
            s.MempoolSize.ToString(CultureInfo.InvariantCulture),
            s.LastCommitLatencyMs > 0 ? s.LastCommitLatencyMs.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "-",
            s.CatchingUp ? "syncing" : "live",
            CertificateSummary(s),
        ];
    }

    /// <summary>One row per certificate the node serves or pins.</summary>
    public IEnumerable<string[]> CertificateCells() =>
        (Status?.Certificates ?? []).Select(c => new[]
        {
            Address.Authority,
            c.DepartmentId,
            c.Use,
            DateTimeOffset.FromUnixTimeMilliseconds(c.NotAfterUnixMs).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            c.DaysLeft.ToString(CultureInfo.InvariantCulture),
            CertificateState(c),
        });

    public static string CertificateState(CertificateExpiry c) =>
        c.DaysLeft < 0 || c.NotAfterUnixMs <= 0 ? "EXPIRED: rotate now" : c.Expiring ? "WARNING: rotate before expiry" : "ok";

    /// <summary>"ok (n)" or the certificates that need a rotation, soonest first.</summary>
    private static string CertificateSummary(NodeStatus s)
    {
        if (s.Certificates.Count == 0)
        {
            return "-";
        }

        var due = s.Certificates.Where(c => c.Expiring).OrderBy(c => c.NotAfterUnixMs).ToList();
        return due.Count == 0
            ? $"ok ({s.Certificates.Count}, {s.Certificates.Min(c => c.DaysLeft).ToString(CultureInfo.InvariantCulture)}+ days)"
            : "WARNING: " + string.Join(", ", due.Select(c => $"{c.DepartmentId} {c.Use} {c.DaysLeft.ToString(CultureInfo.InvariantCulture)} d"));
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["node"] = Address.ToString(), ["reachable"] = Status is not null };
        if (Status is not { } s)
        {
            o["error"] = Error;
            return o;
        }

        o["chain_id"] = s.ChainId;
        o["department"] = s.DepartmentId;
        o["height"] = s.Height;
        o["round"] = s.Round;
        o["peers_connected"] = ConnectedPeers;
        o["peers"] = new JsonArray(s.Peers.Select(p => (JsonNode)new JsonObject
        {
            ["department"] = p.DepartmentId,
            ["connected"] = p.Connected,
            ["height"] = p.Height,
        }).ToArray());
        o["mempool"] = s.MempoolSize;
        o["last_commit_latency_ms"] = s.LastCommitLatencyMs;
        o["catching_up"] = s.CatchingUp;
        o["version"] = s.Version;
        o["certificates"] = new JsonArray(s.Certificates.Select(c => (JsonNode)new JsonObject
        {
            ["department"] = c.DepartmentId,
            ["use"] = c.Use,
            ["not_after"] = DateTimeOffset.FromUnixTimeMilliseconds(c.NotAfterUnixMs).ToString("O", CultureInfo.InvariantCulture),
            ["days_left"] = c.DaysLeft,
            ["expiring"] = c.Expiring,
            ["sha256"] = c.Sha256,
        }).ToArray());
        o["certificates_expiring"] = s.Certificates.Count(c => c.Expiring);
        return o;
    }
}

/// <summary>Asks every node for its status at once, each call bounded; an unreachable node is a row, not a failure.</summary>
internal static class NodeStatusReader
{
    public static async Task<IReadOnlyList<NodeStatusRow>> ReadAsync(IEnumerable<Uri> nodes, X509Certificate2Collection? pinned, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tasks = nodes.Select(async uri =>
        {
            using var client = NodeClients.Create(uri, pinned, timeout, RetryPolicy.None);
            try
            {
                return new NodeStatusRow(uri, await client.GetStatusAsync(cancellationToken: cancellationToken).ConfigureAwait(false), null);
            }
            catch (RpcException ex)
            {
                return new NodeStatusRow(uri, null, $"{ex.StatusCode}: {ex.Status.Detail}");
            }
        }).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}

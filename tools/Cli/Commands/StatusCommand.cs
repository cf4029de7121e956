using System.CommandLine;
using System.Text.Json.Nodes;
using GovChain.Cli.Connection;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using GovChain.Core.Genesis;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain status</c>: height, round, peers, mempool and last commit latency of each node.</summary>
internal static class StatusCommand
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var nodes = new Option<string[]>("--node")
        {
            Description = "A node's client API (https://host:port, or http:// for a node without TLS); repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var status = new Command(
            "status",
            "A table of each node's department, height, round, peers, mempool, last commit latency and certificates (WARNING within 30 days of expiry), then each certificate's expiry: every node of the --dir network, and each --node given. Exit codes: 0 every node answered; 1 bad input; 5 some node did not answer.")
        {
            nodes, ConnectionOptions.Dir, ConnectionOptions.Genesis,
        };
        status.SetAction(async (result, ct) =>
        {
            var urls = result.GetValue(nodes) ?? [];

            // $GOVCHAIN_NETWORK stands in for --dir only when no node is named: 'status --node URL' shows that node alone.
            var dir = urls.Length == 0 ? ConnectionOptions.NetworkFolder(result) : result.GetValue(ConnectionOptions.Dir);
            return await RunAsync(result, urls, dir, ct, result.GetValue(ConnectionOptions.Genesis)).ConfigureAwait(false);
        });
        return status;
    }

    public static async Task<int> RunAsync(ParseResult result, string[] nodeUrls, string? dir, CancellationToken cancellationToken, string? genesisFile = null)
    {
        var targets = new List<Uri>();
        GenesisDocument? genesis = null;
        if (!string.IsNullOrEmpty(dir))
        {
            var layout = new NetworkLayout(dir);
            targets.AddRange(layout.ReadManifest().Departments.Select(d => d.ClientUri));
            genesis = LocalnetOperations.LoadGenesis(layout);
        }

        targets.AddRange(nodeUrls.Select(NodeSession.ParseAddress));

        if (targets.Count == 0)
        {
            throw new CliError("name the nodes: --node URL (repeatable) or --dir FOLDER");
        }

        if (genesisFile is not null)
        {
            genesis = NodeSession.LoadGenesis(genesisFile);
        }

        var pinned = genesis is null ? null : NodeClients.PinnedCertificates(genesis);
        var rows = await NodeStatusReader.ReadAsync(targets, pinned, CallTimeout, cancellationToken).ConfigureAwait(false);
        if (Output.IsJson(result))
        {
            Output.Json(new JsonObject { ["nodes"] = new JsonArray(rows.Select(r => (JsonNode)r.ToJson()).ToArray()) });
        }
        else
        {
            Output.Table(NodeStatusRow.Columns, rows.Select(r => r.ToCells()));
            var certificates = rows.SelectMany(r => r.CertificateCells()).ToList();
            if (certificates.Count > 0)
            {
                Output.Table(NodeStatusRow.CertificateColumns, certificates);
            }
        }

        // Scripts can tell a healthy network from a degraded one by the exit code.
        return rows.All(r => r.Status is not null) ? 0 : ExitCodes.NodesDown;
    }
}

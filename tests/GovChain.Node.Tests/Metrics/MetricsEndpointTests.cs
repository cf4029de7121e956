using GovChain.Core.Genesis;
using GovChain.Grpc.Hosting;
using GovChain.Node.Hosting;
using GovChain.Node.Tests.Network;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;

namespace GovChain.Node.Tests.Metrics;

/// <summary>/metrics of a node running as deployed: real gRPC peers on loopback, RocksDB, the client API.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_OfARunningNode_ShowItsPeerRpcAndStorageFigures()
    {
        await using var cluster = new TestCluster(2);
        var ports = PeerCluster.ReserveFreePorts(2);
        var genesisFile = WriteGenesisWithEndpoints(cluster, ports);
        var nodes = new List<GovChainNode>();
        try
        {
            for (var i = 0; i < ports.Length; i++)
            {
                var settings = new GovChainNodeSettings { PeerNetworkFactory = StandardNode.CreatePeerNetwork, ValidatorKey = cluster.ValidatorKeys[i], LoggerFactory = TestLogging.Factory };
                StandardNode.AddServices(settings);
                var options = cluster.Options(i);
                options.GenesisFile = genesisFile;
                options.ListenAddress = $"127.0.0.1:{ports[i]}";
                options.MetricsHttp1Port = 0;
                nodes.Add(GovChainNode.Create(options, settings));
            }

            await Task.WhenAll(nodes.Select(n => n.StartAsync()));
            await TestCluster.WaitUntilAsync(
                () => nodes.All(n => n.Database.Blocks.LastHeight >= 2),
                () => $"both nodes at height 2 (now {string.Join(",", nodes.Select(n => n.Database.Blocks.LastHeight))})");
            using (var channel = TestChannels.Open(nodes[0].Address!))
            {
                var status = await channel.UnaryAsync(ClientApiMethods.GetStatus, new GetStatusRequest());
                Assert.Equal(TestCluster.DepartmentId(0), status.DepartmentId);
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{nodes[0].MetricsHttp1Port}"), Timeout = TimeSpan.FromSeconds(30) };
            string[] expected =
            [
                "govchain_peer_messages_sent_total ",
                "govchain_rpc_server_calls_total{grpc_status=\"OK\"} ",
                "govchain_storage_blocks_appended_total ",
                "govchain_storage_append_duration_seconds_count ",
                "govchain_blocks_committed_total ",
            ];
            var text = await ScrapeUntilAsync(http, expected);

            PrometheusText.AssertWellFormed(text);
            Assert.Contains("# TYPE govchain_peer_messages_sent_total counter\n", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE govchain_rpc_server_calls_total counter\n", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE govchain_storage_append_duration_seconds histogram\n", text, StringComparison.Ordinal);
            Assert.Contains("# HELP govchain_peer_messages_sent_total Consensus messages written to peer streams.\n", text, StringComparison.Ordinal);
            Assert.True(Value(text, "govchain_storage_blocks_appended_total") >= 1);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>Scrapes until every expected series is there (the counters move on other threads), within a generous bound.</summary>
    private static async Task<string> ScrapeUntilAsync(HttpClient http, string[] expected)
    {
        var text = string.Empty;
        using var limit = new CancellationTokenSource(TestCluster.MaxWait);
        try
        {
            while (true)
            {
                text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), limit.Token);
                if (expected.All(e => text.Contains(e, StringComparison.Ordinal)))
                {
                    return text;
                }

                await Task.Delay(50, limit.Token);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            var missing = string.Join(", ", expected.Where(e => !text.Contains(e, StringComparison.Ordinal)));
            throw new TimeoutException($"/metrics still lacks {missing}; last scrape:\n{text}");
        }
    }

    private static double Value(string text, string series)
    {
        var line = text.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The cluster's genesis with each department's peer endpoint: the nodes dial each other over real gRPC.</summary>
    private static string WriteGenesisWithEndpoints(TestCluster cluster, int[] ports)
    {
        var genesis = cluster.Genesis.Proto.Clone();
        for (var i = 0; i < ports.Length; i++)
        {
            genesis.Departments[i].Endpoint = $"127.0.0.1:{ports[i]}";
        }

        var file = Path.Combine(cluster.Root, "genesis-with-endpoints.json");
        File.WriteAllText(file, GenesisDocument.FromProto(genesis).ToJson());
        return file;
    }
}

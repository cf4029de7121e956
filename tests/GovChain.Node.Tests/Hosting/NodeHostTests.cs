using System.Net;
using GovChain.Core.Crypto;
using GovChain.Grpc.Hosting;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GovChain.Node.Tests.Hosting;

public sealed class NodeHostTests
{
    [Fact]
    public async Task NodeHost_FromConfigFile_CommitsServesMetricsAndHealth_AndResumesAfterRestart()
    {
        await using var cluster = new TestCluster(1);
        var keyFile = Path.Combine(cluster.Root, "validator.key");
        var passFile = Path.Combine(cluster.Root, "validator.pass");
        await File.WriteAllTextAsync(passFile, "correct horse battery\n");
        KeyFile.Write(keyFile, cluster.ValidatorKeys[0], "correct horse battery", KeyFile.Interactive);
        var config = Path.Combine(cluster.Root, "node.json");
        await File.WriteAllTextAsync(config, """
            {
              "DataDirectory": "dept-0",
              "DepartmentId": "dept-0",
              "GenesisFile": "genesis.json",
              "ValidatorKeyFile": "validator.key",
              "ValidatorPassphraseFile": "validator.pass",
              "ListenAddress": "127.0.0.1:0",
              "MetricsHttp1Port": 0,
              "Consensus": { "EmptyBlockDelayMs": 20, "IdleBlockIntervalMs": 0, "ProposeMs": 1000 },
              "Storage": { "SyncWrites": false }
            }
            """);
        var options = NodeOptionsLoader.Load(config, includeEnvironment: false);

        ulong heightAtStop;
        using (var host = NodeHostingExtensions.BuildNodeHost(options, _ => new IsolatedPeerNetwork(), settings => StandardNode.AddServices(settings), minimumLevel: Microsoft.Extensions.Logging.LogLevel.Warning))
        {
            await host.StartAsync();
            var node = host.Services.GetRequiredService<GovChainNode>();
            await TestCluster.WaitUntilAsync(() => node.Database.Blocks.LastHeight >= 3, "a lone validator committing");

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.MetricsHttp1Port}") };
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("govchain_consensus_height", metrics, StringComparison.Ordinal);
            Assert.Contains("govchain_blocks_committed", metrics, StringComparison.Ordinal);
            var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

            var status = node.Status.GetStatus();
            Assert.Equal("dept-0", status.DepartmentId);
            Assert.True(status.Height >= 3);

            await host.StopAsync();
            heightAtStop = node.Database.Blocks.LastHeight;
        }

        using (var host = NodeHostingExtensions.BuildNodeHost(options, _ => new IsolatedPeerNetwork(), settings => StandardNode.AddServices(settings), minimumLevel: Microsoft.Extensions.Logging.LogLevel.Warning))
        {
            await host.StartAsync();
            var node = host.Services.GetRequiredService<GovChainNode>();
            Assert.True(node.Database.Blocks.LastHeight >= heightAtStop);
            await TestCluster.WaitUntilAsync(() => node.Database.Blocks.LastHeight >= heightAtStop + 3, "commits after a restart");
            await host.StopAsync();
        }
    }
}

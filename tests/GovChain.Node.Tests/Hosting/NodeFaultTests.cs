using System.Net;
using GovChain.Core.Crypto;
using GovChain.Core.Transactions;
using GovChain.Grpc.Hosting;
using GovChain.Grpc.Server;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Storage;
using GovChain.Tests.Shared;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace GovChain.Node.Tests.Hosting;

/// <summary>
/// A node whose consensus stops on a fault (here: its disk refuses writes) fails fast: NOT_SERVING,
/// /healthz with the reason, submissions refused as UNAVAILABLE, and its host stopped — instead of
/// a zombie serving stale reads and taking transactions it will never commit.
/// </summary>
public sealed class NodeFaultTests
{
    [Fact]
    public async Task ConsensusFault_StorageFailsOnCommit_NodeIsNotServingSaysWhyAndRefusesSubmissions()
    {
        await using var cluster = new TestCluster(1);
        var options = cluster.Options(0);
        options.MetricsHttp1Port = 0;
        var store = new FailingKeyValueStore();
        var settings = new GovChainNodeSettings
        {
            PeerNetworkFactory = _ => new IsolatedPeerNetwork(),
            ValidatorKey = cluster.ValidatorKeys[0],
            LoggerFactory = TestLogging.Factory,
            OpenDatabase = storage => NodeDatabase.OpenOn(store, cluster.Genesis.ChainId, cluster.Genesis.Hash, storage),
        };
        StandardNode.AddServices(settings);
        await using var node = GovChainNode.Create(options, settings);
        await node.StartAsync();
        await TestCluster.WaitUntilAsync(() => node.Database.Blocks.LastHeight >= 2, "a lone validator committing");
        Assert.Null(node.Fault);

        store.FailWrites = true;
        await node.Faulted.WaitAsync(TestCluster.MaxWait);

        Assert.True(GovChainNode.IsStorageFault(node.Fault!));
        Assert.Contains("No space left on device", node.FaultReason, StringComparison.Ordinal);
        Assert.False(node.IsHealthy);

        using var channel = TestChannels.Open(node.Address!);
        foreach (var service in new[] { string.Empty, NodeServer.HealthServiceName })
        {
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = service });
            Assert.Equal(ServingStatus.NotServing, health.Status);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.MetricsHttp1Port}") };
        var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthz.StatusCode);
        Assert.Contains("No space left on device", await healthz.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var tx = TransactionCodec.Create(TestCluster.ChainId, cluster.Registrar, 1, "land", "register_parcel", null);
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(ClientApiMethods.SubmitTransaction, new SubmitTransactionRequest { Transaction = tx }));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("No space left on device", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, node.Mempool.Count);
        Assert.Throws<NodeFaultedException>(() => node.SubmitTransactions([tx]));
    }

    [Fact]
    public async Task ConsensusFault_InItsHost_StopsTheHost()
    {
        await using var cluster = new TestCluster(1);
        var keyFile = Path.Combine(cluster.Root, "validator.key");
        var passFile = Path.Combine(cluster.Root, "validator.pass");
        await File.WriteAllTextAsync(passFile, "correct horse battery\n");
        KeyFile.Write(keyFile, cluster.ValidatorKeys[0], "correct horse battery", KeyFile.Interactive);
        var options = cluster.Options(0);
        options.ValidatorKeyFile = keyFile;
        options.ValidatorPassphraseFile = passFile;
        var store = new FailingKeyValueStore();
        using var host = NodeHostingExtensions.BuildNodeHost(
            options,
            _ => new IsolatedPeerNetwork(),
            settings => settings.OpenDatabase = storage => NodeDatabase.OpenOn(store, cluster.Genesis.ChainId, cluster.Genesis.Hash, storage),
            minimumLevel: Microsoft.Extensions.Logging.LogLevel.Critical);
        await host.StartAsync();
        var node = host.Services.GetRequiredService<GovChainNode>();
        await TestCluster.WaitUntilAsync(() => node.Database.Blocks.LastHeight >= 2, "a lone validator committing");

        store.FailWrites = true;

        // What `node run` waits on: it returns once the fault stopped the host, then exits non-zero.
        await host.WaitForShutdownAsync().WaitAsync(TestCluster.MaxWait);
        Assert.NotNull(node.Fault);
        Assert.True(GovChainNode.IsStorageFault(node.Fault));
    }

    [Fact]
    public async Task CleanStop_IsNoFault()
    {
        await using var cluster = new TestCluster(1, inMemory: true);
        var node = cluster.Create(0);
        await node.StartAsync();
        await cluster.WaitForHeightAsync(1, 0);
        await cluster.StopAsync(0);

        Assert.Null(node.Fault);
        Assert.False(node.Faulted.IsCompleted);
    }
}

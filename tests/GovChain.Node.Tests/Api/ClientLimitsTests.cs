using System.Diagnostics.Metrics;
using System.Net;
using Google.Protobuf;
using GovChain.Core.Transactions;
using GovChain.Grpc.Hosting;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Node.Tests.Network;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;

namespace GovChain.Node.Tests.Api;

/// <summary>
/// A hostile client that hoards streams and commit waits on a real node is refused beyond its
/// share, while a second client (another loopback address) is still served end to end.
/// </summary>
public sealed class ClientLimitsTests
{
    private static readonly IPAddress Hostile = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress Polite = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task HostileClientHoardingStreamsAndWaits_IsRefusedBeyondItsShare_WhileASecondClientSubmitsAndCommits()
    {
        await using var cluster = new TestCluster(1, inMemory: true, configure: o => o.ClientApi = new ClientApiSettings
        {
            MaxConcurrentStreams = 8,
            MaxStreamsPerClient = 4,
            MaxConcurrentWaiters = 8,
            MaxWaitersPerClient = 4,
        });
        var settings = new GovChainNodeSettings
        {
            PeerNetworkFactory = _ => new IsolatedPeerNetwork(),
            ValidatorKey = cluster.ValidatorKeys[0],
            LoggerFactory = TestLogging.Factory,
        };
        StandardNode.AddServices(settings);
        await using var node = GovChainNode.Create(cluster.Options(0), settings);
        using var gauges = new ApiGauges(node.Metrics.Meter);
        await node.StartAsync();
        using var hostile = TestChannels.Open(node.Address!, localAddress: Hostile);
        using var polite = TestChannels.Open(node.Address!, localAddress: Polite);
        using var stop = new CancellationTokenSource(TestWait.Bound);
        var calls = new List<IDisposable>();
        try
        {
            // The hostile client tries to take every stream and every wait of the node.
            var streams = await HoardAsync(8, () => gauges.Streams, () =>
            {
                var call = hostile.ServerStreaming(ClientApiMethods.StreamBlocks, new StreamBlocksRequest { FromHeight = 1_000_000 }, new CallOptions(cancellationToken: stop.Token));
                calls.Add(call);
                return call.ResponseStream.MoveNext(stop.Token);
            });
            var waits = await HoardAsync(8, () => gauges.Waiters, () =>
                hostile.UnaryAsync(ClientApiMethods.WaitForTransaction, new GetTransactionRequest { TxId = ByteString.CopyFrom(new byte[32]) }, new CallOptions(cancellationToken: stop.Token)));

            Assert.Equal(4, streams.Held);
            Assert.Equal(4, waits.Held);
            Assert.All(streams.Refused, r => Assert.Equal((StatusCode.ResourceExhausted, "streams-per-client"), (r.StatusCode, r.Trailers.GetValue("govchain-limit"))));
            Assert.All(waits.Refused, r => Assert.Equal((StatusCode.ResourceExhausted, "waiters-per-client"), (r.StatusCode, r.Trailers.GetValue("govchain-limit"))));

            // The second client still gets a stream, and its transaction commits while it waits.
            var stream = polite.ServerStreaming(ClientApiMethods.StreamBlocks, new StreamBlocksRequest { FromHeight = 1 }, new CallOptions(cancellationToken: stop.Token));
            calls.Add(stream);
            Assert.True(await stream.ResponseStream.MoveNext(stop.Token));
            var tx = cluster.Sign(cluster.Registrar, LandCalls.RegisterParcel("LOT-1", cluster.Registrar.PublicKey, TestCluster.Sha("deed"), 100), 1);
            await polite.UnaryAsync(ClientApiMethods.SubmitTransaction, new SubmitTransactionRequest { Transaction = tx }, new CallOptions(cancellationToken: stop.Token));
            var result = await polite.UnaryAsync(ClientApiMethods.WaitForTransaction, new GetTransactionRequest { TxId = ByteString.CopyFrom(tx.Id().ToArray()) }, new CallOptions(cancellationToken: stop.Token));

            Assert.Equal(0u, result.Receipt.Code);
            Assert.True(result.Height >= 1);
        }
        finally
        {
            await stop.CancelAsync();
            calls.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// Starts <paramref name="attempts"/> calls one after another; each is either held by the
    /// node (its gauge rises) or refused (the call faults). Returns how many were held and the refusals.
    /// </summary>
    private static async Task<(int Held, List<RpcException> Refused)> HoardAsync(int attempts, Func<long> gauge, Func<Task> start)
    {
        var held = 0;
        var refused = new List<RpcException>();
        var pending = new List<Task>();
        for (var i = 0; i < attempts; i++)
        {
            var before = gauge();
            var call = start();
            pending.Add(call);
            await TestWait.UntilAsync(() => gauge() > before || call.IsFaulted, "the call to be held or refused");
            if (call.IsFaulted)
            {
                refused.Add(Assert.IsType<RpcException>(call.Exception!.InnerException));
            }
            else
            {
                held++;
            }
        }

        foreach (var task in pending)
        {
            _ = task.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }

        return (held, refused);
    }

    /// <summary>The node's stream and wait gauges, read as a scraper would.</summary>
    private sealed class ApiGauges : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _streams;
        private long _waiters;

        public ApiGauges(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter && instrument.Name is "govchain.api.streams" or "govchain.api.waiters")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == "govchain.api.streams")
                {
                    Interlocked.Add(ref _streams, value);
                }
                else
                {
                    Interlocked.Add(ref _waiters, value);
                }
            });
            _listener.Start();
        }

        public long Streams => Interlocked.Read(ref _streams);

        public long Waiters => Interlocked.Read(ref _waiters);

        public void Dispose() => _listener.Dispose();
    }
}

using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using GovChain.Grpc.Server;
using Govchain.Bench;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GovChain.Benchmarks.Rpc;

/// <summary>
/// The standard stack as the node runs it: a Grpc.Net.Client channel against a GrpcEndpoint
/// (Kestrel, Grpc.AspNetCore) over loopback h2c. The own layer it replaced ran the same calls and
/// counts in RpcLoopbackBenchmarks (tag own-vs-standard-grpc runs both in one process). Read the
/// figures as operations per second (1e9 / mean ns).
/// </summary>
[MemoryDiagnoser]
public class GrpcLoopbackBenchmarks
{
    private const int UnaryCalls = 2_000;
    private const int StreamedMessages = 20_000;

    private GrpcEndpoint _server = null!;
    private GrpcChannel _channel = null!;
    private Bench.BenchClient _client = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchService.StartServer();
        _channel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
        _client = new Bench.BenchClient(_channel);
        _client.UnaryAsync(BenchService.Payload).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = UnaryCalls)]
    public Task UnaryRoundTrip() =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => UnaryLoopAsync(UnaryCalls / Callers)));

    [Benchmark(OperationsPerInvoke = StreamedMessages)]
    public Task ServerStreamingMessage() =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => StreamAsync(StreamedMessages / Callers)));

    private async Task UnaryLoopAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _client.UnaryAsync(BenchService.Payload).ConfigureAwait(false);
        }
    }

    private async Task StreamAsync(int count)
    {
        using var call = _client.Stream(new Int32Value { Value = count });
        var received = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
        {
            received++;
        }

        if (received != count)
        {
            throw new InvalidOperationException($"expected {count} messages, got {received}");
        }
    }
}

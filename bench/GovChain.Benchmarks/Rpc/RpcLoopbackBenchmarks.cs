using BenchmarkDotNet.Attributes;
using Google.Protobuf.WellKnownTypes;
using GovChain.Rpc;

namespace GovChain.Benchmarks.Rpc;

/// <summary>
/// Our client against our server over loopback h2c. One operation is one unary round trip, or
/// one streamed message; read the figures as operations per second (1e9 / mean ns).
/// </summary>
[MemoryDiagnoser]
public class RpcLoopbackBenchmarks
{
    private const int UnaryCalls = 2_000;
    private const int StreamedMessages = 20_000;

    private RpcServer _server = null!;
    private RpcChannel _channel = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = new RpcServer(new RpcServerOptions()).AddService(BenchService.Definition);
        _server.StartAsync().GetAwaiter().GetResult();
        _channel = new RpcChannel(_server.Address);
        _channel.UnaryAsync(BenchService.Unary, BenchService.Payload).GetAwaiter().GetResult();
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
            await _channel.UnaryAsync(BenchService.Unary, BenchService.Payload).ConfigureAwait(false);
        }
    }

    private async Task StreamAsync(int count)
    {
        using var call = _channel.ServerStreaming(BenchService.Stream, new Int32Value { Value = count });
        var received = 0;
        while (await call.ResponseStream.MoveNextAsync().ConfigureAwait(false))
        {
            received++;
        }

        if (received != count)
        {
            throw new InvalidOperationException($"expected {count} messages, got {received}");
        }
    }
}

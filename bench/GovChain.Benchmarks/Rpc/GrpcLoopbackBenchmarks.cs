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
/// (Kestrel, Grpc.AspNetCore) over loopback h2c, the same calls and counts as
/// <see cref="RpcLoopbackBenchmarks"/>. Read the figures as operations per second (1e9 / mean ns).
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
        _server = GrpcEndpoint.Create(new GrpcEndpointOptions(), services =>
        {
            services.AddStrictGrpc();
            services.AddSingleton<EchoService>();
        }, app => app.MapGrpcService<EchoService>());
        _server.StartAsync().GetAwaiter().GetResult();
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

    /// <summary>js/bench.proto's service on Grpc.AspNetCore: an echo and a stream of 64-byte messages.</summary>
    private sealed class EchoService : Bench.BenchBase
    {
        private static readonly BytesValue Chunk = new() { Value = ByteString.CopyFrom(new byte[64]) };

        public override Task<BytesValue> Unary(BytesValue request, ServerCallContext context) => Task.FromResult(request);

        public override async Task Stream(Int32Value request, IServerStreamWriter<BytesValue> responseStream, ServerCallContext context)
        {
            for (var i = 0; i < request.Value; i++)
            {
                await responseStream.WriteAsync(Chunk, context.CancellationToken).ConfigureAwait(false);
            }
        }
    }
}

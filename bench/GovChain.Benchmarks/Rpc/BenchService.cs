using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using GovChain.Grpc.Server;
using Govchain.Bench;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GovChain.Benchmarks.Rpc;

/// <summary>The service of js/bench.proto: a unary echo and a stream of 64-byte messages.</summary>
public static class BenchService
{
    private static readonly BytesValue Chunk = new() { Value = ByteString.CopyFrom(new byte[64]) };

    /// <summary>The service on a loopback GrpcEndpoint (h2c, free port), as the node hosts its own.</summary>
    public static GrpcEndpoint StartServer()
    {
        var server = GrpcEndpoint.Create(new GrpcEndpointOptions(), services =>
        {
            services.AddStrictGrpc();
            services.AddSingleton<EchoService>();
        }, app => app.MapGrpcService<EchoService>());
        server.StartAsync().GetAwaiter().GetResult();
        return server;
    }

    public static BytesValue Payload { get; } = new() { Value = ByteString.CopyFrom(new byte[64]) };

    /// <summary>The repository root, found upwards from the benchmark's binaries (BenchmarkDotNet runs them from a generated folder).</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "GovChain.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository root (GovChain.sln) above the benchmark binaries");
    }

    /// <summary>js/bench.proto's service on Grpc.AspNetCore: an echo and a stream of 64-byte messages.</summary>
    private sealed class EchoService : Bench.BenchBase
    {
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

using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using GovChain.Rpc;
using Method = GovChain.Rpc.Method;

namespace GovChain.Benchmarks.Rpc;

/// <summary>The service of js/bench.proto: a unary echo and a stream of 64-byte messages.</summary>
public static class BenchService
{
    public const string Name = "govchain.bench.Bench";

    public static readonly Method<BytesValue, BytesValue> Unary = Method.Unary(Name, "Unary", BytesValue.Parser, BytesValue.Parser);
    public static readonly Method<Int32Value, BytesValue> Stream = Method.ServerStreaming(Name, "Stream", Int32Value.Parser, BytesValue.Parser);

    private static readonly BytesValue Chunk = new() { Value = ByteString.CopyFrom(new byte[64]) };

    public static ServiceDefinition Definition { get; } = ServiceDefinition.CreateBuilder()
        .AddUnary(Unary, (request, _) => Task.FromResult(request))
        .AddServerStreaming(Stream, async (request, responses, context) =>
        {
            for (var i = 0; i < request.Value; i++)
            {
                await responses.WriteAsync(Chunk, context.CancellationToken);
            }
        })
        .Build();

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
}

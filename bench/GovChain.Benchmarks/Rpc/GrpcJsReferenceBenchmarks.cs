using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using GovChain.Grpc.Server;

namespace GovChain.Benchmarks.Rpc;

/// <summary>
/// The reference: the same load as <see cref="GrpcLoopbackBenchmarks"/>, driven by a grpc-js
/// client (js/load.js, a long-lived Node.js process) against our server. Needs Node.js and
/// the npm packages installed by <c>scripts/setup.sh --npm</c>.
/// </summary>
public class GrpcJsReferenceBenchmarks
{
    private const int UnaryCalls = 2_000;
    private const int StreamedMessages = 20_000;

    private GrpcEndpoint _server = null!;
    private Process _node = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchService.StartServer();

        var root = BenchService.RepositoryRoot();
        var modules = Path.Combine(root, "tests", "GovChain.Interop.Tests", "js", "node_modules");
        if (!Directory.Exists(Path.Combine(modules, "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException($"grpc-js is not installed in {modules}; run `bash scripts/setup.sh --npm`");
        }

        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(root, "bench", "GovChain.Benchmarks", "Rpc", "js"),
        };
        info.ArgumentList.Add("load.js");
        info.ArgumentList.Add(_server.Port.ToString(CultureInfo.InvariantCulture));
        info.Environment["NODE_PATH"] = modules;
        _node = Process.Start(info)!;
        Run("unary", 1, 100);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _node.StandardInput.Close();
        if (!_node.WaitForExit(10_000))
        {
            _node.Kill(entireProcessTree: true);
        }

        _node.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = UnaryCalls)]
    public void GrpcJsUnaryRoundTrip() => Run("unary", Callers, UnaryCalls);

    [Benchmark(OperationsPerInvoke = StreamedMessages)]
    public void GrpcJsServerStreamingMessage() => Run("stream", Callers, StreamedMessages);

    private void Run(string kind, int callers, int total)
    {
        _node.StandardInput.WriteLine($"{kind} {callers} {total}");
        _node.StandardInput.Flush();
        var answer = _node.StandardOutput.ReadLine();
        if (answer is null || !answer.StartsWith("done", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"grpc-js load failed: {answer}");
        }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using GovChain.LoadGen;

// The end-to-end benchmark: a 4-validator network (four node processes, or in this process) over
// real gRPC, pre-signed land transactions, a fixed or maximum submission rate, and what the
// network committed, with the CPU each node used.
if (args.Length > 0 && args[0] == "--abuse")
{
    using var abuseBound = new CancellationTokenSource(TimeSpan.FromMinutes(15));
    return await GovChain.LoadGen.Abuse.AbuseRun.MainAsync(args[1..], abuseBound.Token);
}

if (args.Length > 0 && args[0] == GovChain.LoadGen.Abuse.AbuserProcess.Mode)
{
    using var abuserBound = new CancellationTokenSource(TimeSpan.FromMinutes(15));
    return await GovChain.LoadGen.Abuse.AbuserProcess.MainAsync(args[1..], abuserBound.Token);
}

if (args.Length > 0 && args[0] == "flood")
{
    // The flood figure (issue #11): honest commit rate without and with a flooding peer.
    using var floodCts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
    return await FloodBench.RunAsync(args[1..], floodCts.Token);
}

LoadGenOptions options;
try
{
    options = LoadGenOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(LoadGenOptions.Usage);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

// SIGTERM and SIGHUP stop the run the way Ctrl+C does: the node processes are stopped on the way out.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cts.Cancel();
}

using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

// The backstop when the orderly path is skipped: no node process outlives this one.
AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcesses.KillAll();
AppDomain.CurrentDomain.UnhandledException += (_, _) => ChildProcesses.KillAll();

// Every stage is bounded; this is the backstop for all of them together.
cts.CancelAfter(TimeSpan.FromSeconds(options.DurationSeconds + options.DrainSeconds + 600));
try
{
    var csv = Path.GetFullPath(options.CsvPath ?? "loadgen-results.csv");
    RunResult.CheckCsvTarget(csv);
    if (options.CompareEtcd && EtcdCluster.MissingTools() is { } missing)
    {
        Console.Error.WriteLine($"error: {missing}");
        return 2;
    }

    var result = await BenchmarkRun.ExecuteAsync(options, cts.Token);
    if (options.CompareEtcd)
    {
        // After the nodes have stopped, so neither shares the machine with the other.
        result = result with { EtcdWritesPerSecond = await EtcdComparison.RunAsync(options.EtcdLoad, cts.Token) };
    }

    result.Print();
    result.AppendCsv(csv);
    Console.WriteLine($"CSV row appended to {csv}");
    return BenchmarkRun.Verdict(result, Console.Error) ? 0 : 1;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("error: the run was cancelled (Ctrl+C or its overall time limit); everything started has been stopped.");
    return 1;
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or Grpc.Core.RpcException)
{
    Console.Error.WriteLine($"error: {(ex is Grpc.Core.RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message)}");
    Debug.WriteLine(ex);
    return 1;
}

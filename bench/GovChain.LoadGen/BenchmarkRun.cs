using System.Diagnostics;
using GovChain.Client;

namespace GovChain.LoadGen;

/// <summary>One run: calibrate, start the network, set up parcels, drive the measured phase, stop everything.</summary>
internal static class BenchmarkRun
{
    private const int Registrars = 32;

    public static async Task<RunResult> ExecuteAsync(LoadGenOptions options, CancellationToken ct)
    {
        var loadAverage = LoadAverage();
        Console.WriteLine($"load average: {loadAverage}; measuring Ed25519 verify/s on {Environment.ProcessorCount} cores for 2 s ...");
        var verifyPerSecond = VerifyCalibration.MeasureVerificationsPerSecond(TimeSpan.FromSeconds(2));
        Console.WriteLine($"Ed25519: {verifyPerSecond:F0} verify/s");

        // Found before anything starts: a missing CLI build fails the run at once.
        var cli = options.InProcess ? null : CliLocator.Find(options.CliPath);
        using var network = new BenchNetwork(Registrars, options.MaxBlockTxs, options.SyncWrites, options.ProposeMs) { KeepFolder = options.KeepFolder };
        // Declared after the network folder, so disposed before it: every node stops before its files go.
        await using IBenchNodes nodes = cli is null ? new InProcessNodes(network) : new NodeProcessGroup(network, cli);
        Console.WriteLine($"starting 4 validators ({nodes.Mode}) under {network.Root} (SyncWrites={options.SyncWrites}, ProposeMs={options.ProposeMs}, MaxBlockTxs={options.MaxBlockTxs}) ...");
        await nodes.StartAllAsync(TimeSpan.FromSeconds(90), ct).ConfigureAwait(false);
        var clients = Enumerable.Range(0, network.Count).Select(i => network.Client(i)).ToArray();

        Console.WriteLine($"pre-signing {options.Senders} registrations and {options.TransactionCount} measured transactions ...");
        using var workload = Workload.Create(network.Genesis.ChainId, network.Registrars, options.Senders, options.TransactionCount);

        var setupHeight = await SetUpAsync(workload, clients, options, ct).ConfigureAwait(false);
        Console.WriteLine($"set-up committed by height {setupHeight}; measured phase: rate {options.RateLabel} for {options.DurationSeconds} s ...");

        return await MeasureAsync(workload, clients, nodes, options, setupHeight, verifyPerSecond, loadAverage, ct).ConfigureAwait(false);
    }

    /// <summary>True when the run did what it was asked: something committed, nothing refused or failed.</summary>
    public static bool Verdict(RunResult result, TextWriter error)
    {
        var problems = new List<string>();
        if (result.Committed == 0)
        {
            problems.Add("no transaction of the measured phase committed");
        }

        if (result.ReceiptErrors > 0)
        {
            problems.Add($"{result.ReceiptErrors} transactions committed with an error receipt (the workload should only succeed)");
        }

        if (result.FailedSubmissions > 0)
        {
            problems.Add($"{result.FailedSubmissions} submissions were refused or failed");
        }

        if (result.Committed < result.Submitted)
        {
            problems.Add($"{result.Submitted - result.Committed} submitted transactions did not commit within the drain time");
        }

        foreach (var p in problems)
        {
            error.WriteLine($"FAILED: {p}");
        }

        return problems.Count == 0;
    }

    private static async Task<ulong> SetUpAsync(Workload workload, GovChainClient[] clients, LoadGenOptions options, CancellationToken ct)
    {
        var index = Workload.IndexById(workload.Setup);
        var tracker = new CommitTracker(index, workload.Setup.Length);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var follow = tracker.RunAsync(clients[0], 1, stop.Token);
        var driver = new LoadDriver(clients, options.Concurrency);
        var starts = new long[workload.Setup.Length];
        var sent = await driver.RunAsync(workload.Setup, i => i % clients.Length, null, TimeSpan.FromSeconds(120), starts, ct).ConfigureAwait(false);
        if (driver.Failed > 0)
        {
            throw new InvalidOperationException($"set-up: {driver.Failed} registrations refused: {string.Join("; ", driver.Failures.Keys)}");
        }

        var done = await tracker.WaitForAsync(sent, TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await follow.ConfigureAwait(false);
        if (!done || sent < workload.Setup.Length)
        {
            throw new TimeoutException($"set-up: only {tracker.Committed} of {workload.Setup.Length} parcel registrations committed in time");
        }

        if (tracker.Errors > 0)
        {
            throw new InvalidOperationException($"set-up: {tracker.Errors} registrations failed, first: {tracker.FirstError}");
        }

        return tracker.LastHeight;
    }

    private static async Task<RunResult> MeasureAsync(
        Workload workload, GovChainClient[] clients, IBenchNodes nodes, LoadGenOptions options, ulong setupHeight, double verifyPerSecond, string loadAverage, CancellationToken ct)
    {
        var txs = workload.Measured;
        var tracker = new CommitTracker(Workload.IndexById(txs), txs.Length);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var follow = tracker.RunAsync(clients[0], setupHeight + 1, stop.Token);
        var driver = new LoadDriver(clients, options.Concurrency);
        var starts = new long[txs.Length];

        var cpuBefore = CpuSnapshot.Take(nodes, clients.Length);
        var wallStart = Stopwatch.GetTimestamp();
        var sent = await driver.RunAsync(txs, i => workload.NodeOf(i, clients.Length), options.RatePerSecond, TimeSpan.FromSeconds(options.DurationSeconds), starts, ct)
            .ConfigureAwait(false);
        var submitSeconds = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        await tracker.WaitForAsync(sent - driver.Failed, TimeSpan.FromSeconds(options.DrainSeconds), ct).ConfigureAwait(false);
        var wallSeconds = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        var cpu = CpuSnapshot.Take(nodes, clients.Length).Since(cpuBefore);
        await stop.CancelAsync().ConfigureAwait(false);
        await follow.ConfigureAwait(false);

        var latencies = new List<double>(sent);
        var lastCommit = wallStart;
        for (var i = 0; i < sent; i++)
        {
            var committed = tracker.CommitTicks(i);
            if (committed != 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(starts[i], committed).TotalMilliseconds);
                lastCommit = Math.Max(lastCommit, committed);
            }
        }

        latencies.Sort();
        var window = Stopwatch.GetElapsedTime(wallStart, lastCommit).TotalSeconds;
        return new RunResult(
            nodes.Mode,
            options.RateLabel,
            options.DurationSeconds,
            options.SyncWrites,
            options.MaxBlockTxs,
            options.Senders,
            Workload.Description,
            sent,
            tracker.Committed,
            driver.Failed,
            tracker.Errors,
            driver.BackPressureRetries,
            submitSeconds,
            window,
            window > 0 ? latencies.Count / window : 0,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            Percentile(latencies, 0.99),
            latencies.Count > 0 ? latencies[^1] : 0,
            tracker.Blocks,
            tracker.ExtraRounds,
            tracker.Blocks > 0 ? (double)tracker.BlockTxs / tracker.Blocks : 0,
            cpu.LoadGeneratorSeconds,
            cpu.NodeSeconds,
            wallSeconds,
            Environment.ProcessorCount,
            verifyPerSecond,
            loadAverage);
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static string LoadAverage()
    {
        const string LoadAverageFile = "/proc/loadavg";
        return File.Exists(LoadAverageFile) ? string.Join(' ', File.ReadAllText(LoadAverageFile).Split(' ').Take(3)) : "n/a";
    }
}

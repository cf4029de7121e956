using System.Globalization;
using Spectre.Console;

namespace GovChain.LoadGen;

/// <summary>The figures of one run, printed as a table and appended to a CSV file.</summary>
internal sealed record RunResult(
    string Mode,
    string Rate,
    int DurationSeconds,
    bool SyncWrites,
    int MaxBlockTxs,
    int Senders,
    string Workload,
    int Submitted,
    long Committed,
    long FailedSubmissions,
    long ReceiptErrors,
    long BackPressureRetries,
    double SubmitSeconds,
    double CommitWindowSeconds,
    double CommittedPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    long Blocks,
    long ExtraRounds,
    double MeanTxsPerBlock,
    double LoadGeneratorCpuSeconds,
    double?[] NodeCpuSeconds,
    double WallSeconds,
    int Cores,
    double VerifyPerSecond,
    string LoadAverage)
{
    /// <summary>Every node verifies every transaction once and the four share this machine: the ceiling is verify/s ÷ 4.</summary>
    public double VerifyCeilingTxPerSecond => VerifyPerSecond / BenchNetwork.Departments.Count;

    public double FractionOfCeiling => VerifyCeilingTxPerSecond > 0 ? CommittedPerSecond / VerifyCeilingTxPerSecond : 0;

    /// <summary>Cores the node used on average over the measured window (CPU s ÷ wall s).</summary>
    public double? NodeCores(int i) => NodeCpuSeconds[i] is { } s && WallSeconds > 0 ? s / WallSeconds : null;

    /// <summary>The node's CPU per committed transaction of the window, in milliseconds.</summary>
    public double? NodeCpuMsPerTx(int i) => NodeCpuSeconds[i] is { } s && Committed > 0 ? s * 1000 / Committed : null;

    public double LoadGeneratorCores => WallSeconds > 0 ? LoadGeneratorCpuSeconds / WallSeconds : 0;

    /// <summary>With <c>--compare-etcd</c>: what the four-member etcd cluster wrote per second on this machine after the run.</summary>
    public double? EtcdWritesPerSecond { get; init; }

    /// <summary>GovChain committed tx/s ÷ etcd writes/s (the target is at least 2).</summary>
    public double? EtcdRatio => EtcdWritesPerSecond is > 0 and var w ? CommittedPerSecond / w : null;

    /// <summary>The CSV header: fixed columns, then three per department in department order.</summary>
    public static string CsvHeader =>
        "utc,mode,rate,duration_s,sync_writes,max_block_txs,senders,workload,submitted,committed,failed_submissions,receipt_errors," +
        "backpressure_retries,submit_s,commit_window_s,committed_tx_per_s,p50_ms,p95_ms,p99_ms,max_ms,blocks,mean_txs_per_block,extra_rounds," +
        "wall_s,loadgen_cpu_s,loadgen_cores," +
        string.Concat(BenchNetwork.Departments.Select(d => $"cpu_s_{d},cores_{d},cpu_ms_per_tx_{d},")) +
        "cores,verify_per_s,ceiling_tx_per_s,fraction_of_ceiling,load_average";

    public void Print()
    {
        var table = new Table().Title($"GovChain load generator: 4 validators ({Mode}), rate {Rate}, {DurationSeconds} s").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("workload", "land offer/cancel transfer, 1 tx each");
        Row("senders (parcel owners)", I(Senders));
        Row("Storage:SyncWrites / MaxBlockTxs", $"{SyncWrites} / {MaxBlockTxs}");
        Row("submitted (over s)", $"{I(Submitted)} ({F(SubmitSeconds, 1)} s = {F(Submitted / Math.Max(SubmitSeconds, 1e-9), 0)}/s)");
        Row("committed", I(Committed));
        Row("failed submissions / error receipts", $"{I(FailedSubmissions)} / {I(ReceiptErrors)}");
        Row("refused at once (RESOURCE_EXHAUSTED), retried after the hint", I(BackPressureRetries));
        Row("committed tx/s (first submit -> last commit)", $"{F(CommittedPerSecond, 0)} over {F(CommitWindowSeconds, 1)} s");
        Row(Rate == "max" ? "finality of admitted p50 / p95 / p99 / max (ms)" : "finality p50 / p95 / p99 / max (ms)", $"{F(P50Ms, 0)} / {F(P95Ms, 0)} / {F(P99Ms, 0)} / {F(MaxMs, 0)}");
        Row("blocks (mean txs/block), extra rounds", $"{I(Blocks)} ({F(MeanTxsPerBlock, 1)}), {I(ExtraRounds)}");
        Row("measured window (wall s)", F(WallSeconds, 1));
        for (var i = 0; i < NodeCpuSeconds.Length; i++)
        {
            Row($"CPU {BenchNetwork.Departments[i]}: cores / CPU-ms per committed tx", NodeCpuSeconds[i] is null
                ? "n/a (nodes share this process)"
                : $"{F(NodeCores(i)!.Value, 2)} / {F(NodeCpuMsPerTx(i) ?? 0, 3)}");
        }

        var nodesLabel = Mode == "in-process" ? "load generator + 4 in-process nodes: cores" : "load generator: cores";
        Row(nodesLabel, $"{F(LoadGeneratorCores, 2)} of {Cores}");
        Row("Ed25519 verify/s, all cores (same run)", F(VerifyPerSecond, 0));
        Row("ceiling tx/s (verify/s / 4 nodes)", F(VerifyCeilingTxPerSecond, 0));
        Row("committed / ceiling", F(FractionOfCeiling * 100, 1) + " %");
        Row("load average at start", LoadAverage);
        if (EtcdWritesPerSecond is { } etcd)
        {
            Row("etcd, 4 members (etcdctl check perf): writes/s", F(etcd, 0));
            Row("GovChain committed tx/s / etcd writes/s", F(EtcdRatio ?? 0, 2));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(Mode == "in-process"
            ? "The four nodes and the load generator share one process: CPU per node cannot be told apart. Finality is submit -> block received on node 0's block stream (at maximum rate from the submission that was admitted)."
            : "CPU per node is user+system time of each node process (/proc/PID/stat) over the measured window. Finality is submit -> block received on node 0's block stream (at maximum rate from the submission that was admitted)."));
    }

    public string CsvRow()
    {
        var nodes = string.Concat(Enumerable.Range(0, NodeCpuSeconds.Length).Select(i => $"{O(NodeCpuSeconds[i], 2)},{O(NodeCores(i), 3)},{O(NodeCpuMsPerTx(i), 4)},"));
        return string.Join(',', DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture), Mode, Rate, I(DurationSeconds), SyncWrites ? "true" : "false", I(MaxBlockTxs), I(Senders),
            Quote(Workload), I(Submitted), I(Committed), I(FailedSubmissions), I(ReceiptErrors), I(BackPressureRetries), F(SubmitSeconds, 3), F(CommitWindowSeconds, 3),
            F(CommittedPerSecond, 1), F(P50Ms, 1), F(P95Ms, 1), F(P99Ms, 1), F(MaxMs, 1), I(Blocks), F(MeanTxsPerBlock, 1), I(ExtraRounds), F(WallSeconds, 2),
            F(LoadGeneratorCpuSeconds, 2), F(LoadGeneratorCores, 3) + "," + nodes + I(Cores), F(VerifyPerSecond, 0), F(VerifyCeilingTxPerSecond, 0), F(FractionOfCeiling, 4),
            Quote(LoadAverage));
    }

    /// <summary>Throws when rows of this version cannot be appended to <paramref name="path"/>: checked before a run as well as at its end.</summary>
    public static void CheckCsvTarget(string path)
    {
        if (File.Exists(path) && new FileInfo(path).Length > 0 && File.ReadLines(path).FirstOrDefault() != CsvHeader)
        {
            throw new IOException($"{path} holds rows of other columns (an earlier version's); pass --csv with a new file");
        }
    }

    /// <summary>Appends a row; a new file gets the header first, and a file with other columns is refused rather than mixed.</summary>
    public void AppendCsv(string path)
    {
        CheckCsvTarget(path);
        var exists = File.Exists(path) && new FileInfo(path).Length > 0;
        using var writer = new StreamWriter(path, append: true);
        if (!exists)
        {
            writer.WriteLine(CsvHeader);
        }

        writer.WriteLine(CsvRow());
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double v, int digits) => v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>An optional figure: empty when not measured.</summary>
    private static string O(double? v, int digits) => v is { } x ? F(x, digits) : string.Empty;

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

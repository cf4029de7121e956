using System.Globalization;
using Spectre.Console;

namespace GovChain.LoadGen;

/// <summary>The figures of one run, printed as a table and appended to a CSV file.</summary>
internal sealed record RunResult(
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
    double ProcessCpuSeconds,
    double WallSeconds,
    int Cores,
    double VerifyPerSecond,
    string LoadAverage)
{
    /// <summary>Every node verifies every transaction once and the four share this machine: the ceiling is verify/s ÷ 4.</summary>
    public double VerifyCeilingTxPerSecond => VerifyPerSecond / LocalNetwork.Departments.Length;

    public double FractionOfCeiling => VerifyCeilingTxPerSecond > 0 ? CommittedPerSecond / VerifyCeilingTxPerSecond : 0;

    public double CoresBusy => WallSeconds > 0 ? ProcessCpuSeconds / WallSeconds : 0;

    public void Print()
    {
        var table = new Table().Title($"GovChain load generator: 4 validators in-process, rate {Rate}, {DurationSeconds} s").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("workload", "land offer/cancel transfer, 1 tx each");
        Row("senders (parcel owners)", I(Senders));
        Row("Storage:SyncWrites / MaxBlockTxs", $"{SyncWrites} / {MaxBlockTxs}");
        Row("submitted (over s)", $"{I(Submitted)} ({F(SubmitSeconds, 1)} s = {F(Submitted / Math.Max(SubmitSeconds, 1e-9), 0)}/s)");
        Row("committed", I(Committed));
        Row("failed submissions / error receipts", $"{I(FailedSubmissions)} / {I(ReceiptErrors)}");
        Row("mempool back-pressure retries", I(BackPressureRetries));
        Row("committed tx/s (first submit -> last commit)", $"{F(CommittedPerSecond, 0)} over {F(CommitWindowSeconds, 1)} s");
        Row("finality p50 / p95 / p99 / max (ms)", $"{F(P50Ms, 0)} / {F(P95Ms, 0)} / {F(P99Ms, 0)} / {F(MaxMs, 0)}");
        Row("blocks (mean txs/block), extra rounds", $"{I(Blocks)} ({F(MeanTxsPerBlock, 1)}), {I(ExtraRounds)}");
        Row("process CPU s over wall s", $"{F(ProcessCpuSeconds, 1)} / {F(WallSeconds, 1)} = {F(CoresBusy, 2)} of {Cores} cores");
        Row("CPU s per node (process CPU / 4, incl. load generator)", F(ProcessCpuSeconds / LocalNetwork.Departments.Length, 1));
        Row("Ed25519 verify/s, all cores (same run)", F(VerifyPerSecond, 0));
        Row("ceiling tx/s (verify/s / 4 nodes)", F(VerifyCeilingTxPerSecond, 0));
        Row("committed / ceiling", F(FractionOfCeiling * 100, 1) + " %");
        Row("load average at start", LoadAverage);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(
            "The four nodes and the load generator share one process: CPU per node is the process CPU divided by 4, " +
            "not a per-node measurement. Finality is submit -> block received on node 0's block stream."));
    }

    public void AppendCsv(string path)
    {
        var header = "utc,rate,duration_s,sync_writes,max_block_txs,senders,workload,submitted,committed,failed_submissions,receipt_errors," +
            "backpressure_retries,submit_s,commit_window_s,committed_tx_per_s,p50_ms,p95_ms,p99_ms,max_ms,blocks,mean_txs_per_block,extra_rounds," +
            "process_cpu_s,wall_s,cores_busy,cpu_s_per_node_est,cores,verify_per_s,ceiling_tx_per_s,fraction_of_ceiling,load_average";
        var row = string.Join(',', DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture), Rate, I(DurationSeconds), SyncWrites ? "true" : "false", I(MaxBlockTxs), I(Senders),
            Quote(Workload), I(Submitted), I(Committed), I(FailedSubmissions), I(ReceiptErrors), I(BackPressureRetries), F(SubmitSeconds, 3), F(CommitWindowSeconds, 3),
            F(CommittedPerSecond, 1), F(P50Ms, 1), F(P95Ms, 1), F(P99Ms, 1), F(MaxMs, 1), I(Blocks), F(MeanTxsPerBlock, 1), I(ExtraRounds), F(ProcessCpuSeconds, 2), F(WallSeconds, 2),
            F(CoresBusy, 3), F(ProcessCpuSeconds / LocalNetwork.Departments.Length, 2), I(Cores), F(VerifyPerSecond, 0), F(VerifyCeilingTxPerSecond, 0), F(FractionOfCeiling, 4),
            Quote(LoadAverage));
        var exists = File.Exists(path);
        using var writer = new StreamWriter(path, append: true);
        if (!exists)
        {
            writer.WriteLine(header);
        }

        writer.WriteLine(row);
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double v, int digits) => v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

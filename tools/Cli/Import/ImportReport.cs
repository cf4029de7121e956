using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace GovChain.Cli.Import;

/// <summary>
/// The outcome of one import run: what was read, registered, found already registered and
/// refused (each refused row with its reason), and how long it took.
/// </summary>
internal sealed record ImportSummary(
    string File,
    int RowsRead,
    int Registered,
    int AlreadyPresent,
    IReadOnlyList<RejectedRow> RejectedLocally,
    IReadOnlyList<RejectedRow> RejectedOnChain,
    TimeSpan Elapsed,
    string ReportFile,
    string? Interruption)
{
    public int Rejected => RejectedLocally.Count + RejectedOnChain.Count;

    /// <summary>Rows neither registered, nor found present, nor rejected: left for a re-run by an interruption.</summary>
    public int NotProcessed => RowsRead - Registered - AlreadyPresent - Rejected;

    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsRead / Elapsed.TotalSeconds : RowsRead;

    public JsonObject ToJson() => new()
    {
        ["file"] = File,
        ["rows_read"] = RowsRead,
        ["registered"] = Registered,
        ["already_present"] = AlreadyPresent,
        ["rejected"] = Rejected,
        ["rejected_locally"] = RejectedLocally.Count,
        ["rejected_on_chain"] = RejectedOnChain.Count,
        ["not_processed"] = NotProcessed,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 3),
        ["rows_per_second"] = Math.Round(RowsPerSecond, 1),
        ["report"] = ReportFile,
        ["interrupted"] = Interruption,
    };

    public string[][] ToCells() =>
    [
        ["rows read", Count(RowsRead)],
        ["registered", Count(Registered)],
        ["already present", Count(AlreadyPresent)],
        ["rejected", string.Create(CultureInfo.InvariantCulture, $"{Rejected} ({RejectedLocally.Count} by local checks, {RejectedOnChain.Count} against the chain)")],
        .. NotProcessed > 0 ? new[] { new[] { "not processed (re-run)", Count(NotProcessed) } } : [],
        ["time", string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds:0.0} s")],
        ["rate", string.Create(CultureInfo.InvariantCulture, $"{RowsPerSecond:0.0} rows/s")],
        ["report of rejected rows", ReportFile],
    ];

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Writes the report of rejected rows: CSV with the columns line, parcel_id, reason, sorted by line.</summary>
internal static class ImportReportFile
{
    public static readonly string[] Header = ["line", "parcel_id", "reason"];

    /// <summary>"exports/land.csv" → "exports/land.rejected.csv".</summary>
    public static string DefaultPath(string csvFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csvFile))!, Path.GetFileNameWithoutExtension(csvFile) + ".rejected.csv");

    /// <summary>Always written, even with no rejected row, so an old report is never taken for this run's.</summary>
    public static void Write(string path, IEnumerable<RejectedRow> rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var text = new StringBuilder();
        text.Append(string.Join(',', Header)).Append("\r\n");
        foreach (var row in rejected.OrderBy(r => r.Line))
        {
            text.Append(row.Line.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Field(row.ParcelId)).Append(',')
                .Append(Field(row.Reason)).Append("\r\n");
        }

        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// One RFC 4180 field. Text from the export may start with = + - @, which spreadsheet
    /// programs would run as a formula; such a field gets a leading apostrophe.
    /// </summary>
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (value[0] == ' ' || value[^1] == ' '))
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }
}

using System.Diagnostics.Metrics;
using System.Text;

namespace GovChain.Node.Metrics;

/// <summary>How one instrument appears in Prometheus: family name, type, help, unit scaling and histogram bounds.</summary>
internal sealed record MetricShape(string Name, string Type, string Help, double Scale, double[] Buckets, bool IsObserved);

/// <summary>
/// Maps System.Diagnostics.Metrics instruments to Prometheus conventions: dots become
/// underscores, durations are exported in seconds and sizes in bytes (with the unit as a
/// suffix), counters end in _total, and histogram bounds suit what is measured.
/// </summary>
internal static class PrometheusNaming
{
    /// <summary>Seconds: from a fast RocksDB write to a slow multi-round commit.</summary>
    internal static readonly double[] SecondsBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Counts and sizes (steps, bytes, items): decades.</summary>
    internal static readonly double[] DecadeBuckets = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    public static MetricShape Describe(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var (suffix, scale) = instrument.Unit switch
        {
            "s" => ("_seconds", 1.0),
            "ms" => ("_seconds", 0.001),
            "us" => ("_seconds", 0.000_001),
            "By" => ("_bytes", 1.0),
            _ => (string.Empty, 1.0),
        };
        var type = TypeOf(instrument);
        var name = Sanitize(instrument.Name);
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        if (type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        var help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
        var buckets = suffix == "_seconds" ? SecondsBuckets : DecadeBuckets;
        return new MetricShape(name, type, EscapeHelp(help), scale, buckets, instrument.IsObservable);
    }

    /// <summary>A metric or label name: [a-zA-Z_:][a-zA-Z0-9_:]*, anything else becomes '_'.</summary>
    public static string Sanitize(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var text = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0]))
        {
            text.Append('_');
        }

        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        return text.ToString();
    }

    /// <summary>A label value: backslash, double quote and newline escaped.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string TypeOf(Instrument instrument)
    {
        var kind = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        if (kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>))
        {
            return "counter";
        }

        return kind == typeof(Histogram<>) ? "histogram" : "gauge";
    }
}

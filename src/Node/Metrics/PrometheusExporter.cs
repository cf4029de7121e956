using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace GovChain.Node.Metrics;

/// <summary>
/// Renders the instruments of one Meter in the Prometheus text exposition format (version
/// 0.0.4). A MeterListener aggregates measurements as they happen; observable instruments are
/// polled at scrape time. Histograms use fixed bucket bounds suited to seconds-scale latencies.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private readonly SortedDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public PrometheusExporter(Meter meter)
    {
        _meter = meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The current figures, as served at /metrics.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (_gate)
        {
            string? lastFamily = null;
            foreach (var series in _series.Values)
            {
                if (series.Family != lastFamily)
                {
                    text.Append("# HELP ").Append(series.Family).Append(' ').Append(series.Help).Append('\n');
                    text.Append("# TYPE ").Append(series.Family).Append(' ').Append(series.Type).Append('\n');
                    lastFamily = series.Family;
                }

                series.WriteTo(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = FormatLabels(tags);
        var family = FamilyName(instrument);
        lock (_gate)
        {
            var key = family + labels;
            if (!_series.TryGetValue(key, out var series))
            {
                series = new Series(family, labels, TypeOf(instrument), instrument.Description ?? instrument.Name);
                _series.Add(key, series);
            }

            switch (instrument)
            {
                case Histogram<double> or Histogram<long>:
                    series.Observe(value, LatencyBuckets);
                    break;
                case ObservableGauge<long> or ObservableGauge<double> or ObservableGauge<int>:
                    series.Value = value;
                    break;
                default:
                    series.Value += value;
                    break;
            }
        }
    }

    private static string TypeOf(Instrument instrument) => instrument switch
    {
        Counter<long> or Counter<double> or ObservableCounter<long> => "counter",
        Histogram<double> or Histogram<long> => "histogram",
        _ => "gauge",
    };

    private static string FamilyName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_').Replace('-', '_');
        if (instrument.Unit == "s")
        {
            name += "_seconds";
        }

        return instrument is Counter<long> or Counter<double> ? name + "_total" : name;
    }

    private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var sb = new StringBuilder("{");
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var value = Convert.ToString(sorted[i].Value, CultureInfo.InvariantCulture) ?? string.Empty;
            sb.Append(sorted[i].Key.Replace('.', '_')).Append("=\"")
              .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
              .Append('"');
        }

        return sb.Append('}').ToString();
    }

    private sealed class Series(string family, string labels, string type, string help)
    {
        private long[]? _bucketCounts;
        private double _sum;
        private long _count;

        public string Family { get; } = family;

        public string Type { get; } = type;

        public string Help { get; } = help;

        public double Value { get; set; }

        public void Observe(double value, double[] bounds)
        {
            _bucketCounts ??= new long[bounds.Length];
            for (var i = 0; i < bounds.Length; i++)
            {
                if (value <= bounds[i])
                {
                    _bucketCounts[i]++;
                }
            }

            _sum += value;
            _count++;
        }

        public void WriteTo(StringBuilder text)
        {
            if (Type != "histogram")
            {
                text.Append(Family).Append(labels).Append(' ').Append(Format(Value)).Append('\n');
                return;
            }

            var inner = labels.Length == 0 ? string.Empty : labels[1..^1] + ",";
            for (var i = 0; i < LatencyBuckets.Length; i++)
            {
                text.Append(Family).Append("_bucket{").Append(inner).Append("le=\"").Append(Format(LatencyBuckets[i])).Append("\"} ")
                    .Append(_bucketCounts![i].ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append(Family).Append("_bucket{").Append(inner).Append("le=\"+Inf\"} ").Append(_count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append(Family).Append("_sum").Append(labels).Append(' ').Append(Format(_sum)).Append('\n');
            text.Append(Family).Append("_count").Append(labels).Append(' ').Append(_count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}

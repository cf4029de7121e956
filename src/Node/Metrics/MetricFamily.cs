using System.Globalization;
using System.Text;

namespace GovChain.Node.Metrics;

/// <summary>
/// The series of one Prometheus metric family, one per label combination. Measurements arrive
/// on whatever thread made them, so a lookup without tags or with one tag allocates nothing;
/// label text is built once, when a series is first seen.
/// </summary>
internal sealed class MetricFamily(PrometheusExporter owner, MetricShape shape)
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Key, object? Value), Series> _byOneTag = [];
    private readonly Dictionary<string, Series> _byLabels = new(StringComparer.Ordinal);
    private Series? _plain;

    public string Type => shape.Type;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        value *= shape.Scale;
        lock (_gate)
        {
            if (Find(tags) is { } series)
            {
                Apply(series, value);
            }
        }
    }

    public void WriteTo(StringBuilder text)
    {
        lock (_gate)
        {
            var all = _byLabels.Values.Concat(_byOneTag.Values).Append(_plain).OfType<Series>()
                .OrderBy(s => s.Labels, StringComparer.Ordinal).ToList();
            if (all.Count == 0)
            {
                return;
            }

            text.Append("# HELP ").Append(shape.Name).Append(' ').Append(shape.Help).Append('\n');
            text.Append("# TYPE ").Append(shape.Name).Append(' ').Append(shape.Type).Append('\n');
            foreach (var series in all)
            {
                if (shape.Type == "histogram")
                {
                    WriteHistogram(text, series);
                }
                else
                {
                    text.Append(shape.Name).Append(series.Labels).Append(' ').Append(Format(series.Value)).Append('\n');
                }
            }
        }
    }

    private Series? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        switch (tags.Length)
        {
            case 0:
                return _plain ??= owner.TryReserveSeries() ? new Series(string.Empty) : null;
            case 1:
                var key = (tags[0].Key, tags[0].Value);
                if (!_byOneTag.TryGetValue(key, out var one) && owner.TryReserveSeries())
                {
                    one = new Series(FormatLabels(tags));
                    _byOneTag.Add(key, one);
                }

                return one;
            default:
                var labels = FormatLabels(tags);
                if (!_byLabels.TryGetValue(labels, out var many) && owner.TryReserveSeries())
                {
                    many = new Series(labels);
                    _byLabels.Add(labels, many);
                }

                return many;
        }
    }

    private void Apply(Series series, double value)
    {
        if (shape.Type == "histogram")
        {
            series.Buckets ??= new long[shape.Buckets.Length];
            var index = Array.BinarySearch(shape.Buckets, value);
            for (var i = index >= 0 ? index : ~index; i < shape.Buckets.Length; i++)
            {
                series.Buckets[i]++;
            }

            series.Sum += value;
            series.Count++;
        }
        else if (shape.IsObserved)
        {
            series.Value = value;
        }
        else
        {
            series.Value += value;
        }
    }

    private void WriteHistogram(StringBuilder text, Series series)
    {
        var inner = series.Labels.Length == 0 ? string.Empty : series.Labels[1..^1] + ",";
        for (var i = 0; i < shape.Buckets.Length; i++)
        {
            var count = series.Buckets?[i] ?? 0;
            text.Append(shape.Name).Append("_bucket{").Append(inner).Append("le=\"").Append(Format(shape.Buckets[i])).Append("\"} ")
                .Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        var total = series.Count.ToString(CultureInfo.InvariantCulture);
        text.Append(shape.Name).Append("_bucket{").Append(inner).Append("le=\"+Inf\"} ").Append(total).Append('\n');
        text.Append(shape.Name).Append("_sum").Append(series.Labels).Append(' ').Append(Format(series.Sum)).Append('\n');
        text.Append(shape.Name).Append("_count").Append(series.Labels).Append(' ').Append(total).Append('\n');
    }

    private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder("{");
        for (var i = 0; i < sorted.Length; i++)
        {
            var value = Convert.ToString(sorted[i].Value, CultureInfo.InvariantCulture) ?? string.Empty;
            text.Append(i > 0 ? "," : string.Empty).Append(PrometheusNaming.Sanitize(sorted[i].Key))
                .Append("=\"").Append(PrometheusNaming.EscapeLabelValue(value)).Append('"');
        }

        return text.Append('}').ToString();
    }

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private sealed class Series(string labels)
    {
        public string Labels { get; } = labels;

        public double Value { get; set; }

        public long[]? Buckets { get; set; }

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}

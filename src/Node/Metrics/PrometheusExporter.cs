using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace GovChain.Node.Metrics;

/// <summary>
/// Serves a node's figures in the Prometheus text exposition format (version 0.0.4): the
/// instruments of the node's own meter, and those of every shared component meter whose name
/// starts with "GovChain." (peer network, RPC, storage, consensus, contracts). A MeterListener
/// aggregates measurements as they happen; observable instruments are polled at scrape time.
/// </summary>
/// <remarks>
/// The component meters are static, one per process: several nodes in one process (as in the
/// tests) each export the sum of all of them, counted from the moment their exporter started.
/// One node per process is the deployment shape, and there the figures are exactly the node's.
/// The node meter itself is per node, so another in-process node's meter is never included.
/// </remarks>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>Meters named with this prefix are the project's components.</summary>
    public const string ComponentMeterPrefix = "GovChain.";

    /// <summary>A bound on the label combinations kept; measurements beyond it are counted and dropped.</summary>
    public const int MaxSeries = 4096;

    private readonly Meter _nodeMeter;
    private readonly MeterListener _listener = new();
    private readonly object _familiesGate = new();
    private readonly SortedDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private int _seriesCount;
    private long _seriesRefused;

    public PrometheusExporter(Meter nodeMeter, bool includeComponentMeters = true)
    {
        ArgumentNullException.ThrowIfNull(nodeMeter);
        _nodeMeter = nodeMeter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Includes(instrument.Meter, includeComponentMeters) && Register(instrument) is { } family)
            {
                listener.EnableMeasurementEvents(instrument, family);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>The current figures, as served at /metrics.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        MetricFamily[] families;
        lock (_familiesGate)
        {
            families = [.. _families.Values];
        }

        var text = new StringBuilder(4096);
        foreach (var family in families)
        {
            family.WriteTo(text);
        }

        var refused = Interlocked.Read(ref _seriesRefused);
        if (refused > 0)
        {
            text.Append("# HELP govchain_metrics_series_refused_total Measurements dropped because the exporter already keeps ")
                .Append(MaxSeries.ToString(CultureInfo.InvariantCulture)).Append(" series.\n")
                .Append("# TYPE govchain_metrics_series_refused_total counter\n")
                .Append("govchain_metrics_series_refused_total ").Append(refused.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>Takes a slot for a new series; false (and counted) once <see cref="MaxSeries"/> are kept.</summary>
    internal bool TryReserveSeries()
    {
        if (Interlocked.Increment(ref _seriesCount) <= MaxSeries)
        {
            return true;
        }

        Interlocked.Decrement(ref _seriesCount);
        Interlocked.Increment(ref _seriesRefused);
        return false;
    }

    private bool Includes(Meter meter, bool includeComponentMeters)
    {
        if (ReferenceEquals(meter, _nodeMeter))
        {
            return true;
        }

        // Every node has a meter of this name: another node's belongs to that node's exporter.
        return includeComponentMeters
            && !string.Equals(meter.Name, NodeMetrics.MeterName, StringComparison.Ordinal)
            && meter.Name.StartsWith(ComponentMeterPrefix, StringComparison.Ordinal);
    }

    private MetricFamily? Register(Instrument instrument)
    {
        var shape = PrometheusNaming.Describe(instrument);
        lock (_familiesGate)
        {
            if (_families.TryGetValue(shape.Name, out var existing))
            {
                // Two instruments under one name (a meter re-created): they share the series when
                // their kind agrees; otherwise the later one is left out rather than break the format.
                return existing.Type == shape.Type ? existing : null;
            }

            var family = new MetricFamily(this, shape);
            _families.Add(shape.Name, family);
            return family;
        }
    }
}

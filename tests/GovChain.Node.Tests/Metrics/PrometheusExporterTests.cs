using System.Diagnostics.Metrics;
using GovChain.Node.Metrics;

namespace GovChain.Node.Tests.Metrics;

public class PrometheusExporterTests
{
    [Fact]
    public void Render_CountersGaugesAndHistograms_InTextFormat()
    {
        using var metrics = new NodeMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);
        metrics.SetHeight(42);
        metrics.TransactionsCommitted.Add(5);
        metrics.TransactionsCommitted.Add(2);
        metrics.MessagesRejected.Add(3, new KeyValuePair<string, object?>("reason", "bad_signature"));
        metrics.CommitLatency.Record(0.3);
        metrics.CommitLatency.Record(2.0);

        var text = exporter.Render();

        Assert.Contains("# TYPE govchain_consensus_height gauge\ngovchain_consensus_height 42\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE govchain_transactions_committed_total counter\ngovchain_transactions_committed_total 7\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_messages_rejected_total{reason=\"bad_signature\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_commit_latency_seconds_bucket{le=\"0.25\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_commit_latency_seconds_bucket{le=\"0.5\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_commit_latency_seconds_bucket{le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_commit_latency_seconds_count 2\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_commit_latency_seconds_sum 2.3\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TwoNodesInOneProcess_SeeOnlyTheirOwnFigures()
    {
        using var a = new NodeMetrics();
        using var b = new NodeMetrics();
        using var exportA = new PrometheusExporter(a.Meter);
        using var exportB = new PrometheusExporter(b.Meter);
        a.SetHeight(10);
        b.SetHeight(20);
        a.BlocksCommitted.Add(1);

        Assert.Contains("govchain_consensus_height 10\n", exportA.Render(), StringComparison.Ordinal);
        Assert.Contains("govchain_consensus_height 20\n", exportB.Render(), StringComparison.Ordinal);
        Assert.DoesNotContain("govchain_blocks_committed_total", exportB.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LabelValuesAreEscaped()
    {
        using var metrics = new NodeMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);
        metrics.MessagesRejected.Add(1, new KeyValuePair<string, object?>("reason", "say \"no\"\\now"));

        Assert.Contains("{reason=\"say \\\"no\\\"\\\\now\"} 1", exporter.Render(), StringComparison.Ordinal);
    }
    [Fact]
    public void Render_IncludesComponentMeters_ButNotOtherProjectsOrOtherNodes()
    {
        using var otherNode = new NodeMetrics();
        using var foreign = new Meter("Vendor.Library");
        using var scope = new Scope();
        var name = scope.Component.Name.ToLowerInvariant().Replace('.', '_');
        scope.Component.CreateCounter<long>(scope.Component.Name.ToLowerInvariant() + ".dropped", description: "Dropped, by reason.")
            .Add(2, new KeyValuePair<string, object?>("reason", "queue_full"));
        foreign.CreateCounter<long>("vendor.calls").Add(1);
        otherNode.BlocksCommitted.Add(9);

        var text = scope.Exporter.Render();

        Assert.Contains($"# HELP {name}_dropped_total Dropped, by reason.\n# TYPE {name}_dropped_total counter\n{name}_dropped_total{{reason=\"queue_full\"}} 2\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vendor_calls", text, StringComparison.Ordinal);
        Assert.DoesNotContain("govchain_blocks_committed_total", text, StringComparison.Ordinal);
        PrometheusText.AssertWellFormed(text);
    }

    [Fact]
    public void Render_WithoutComponentMeters_ShowsOnlyTheNodesOwn()
    {
        using var scope = new Scope(includeComponentMeters: false);
        scope.Component.CreateCounter<long>("govchain.test.only_component").Add(1);
        scope.Node.BlocksCommitted.Add(1);

        var text = scope.Exporter.Render();

        Assert.DoesNotContain("only_component", text, StringComparison.Ordinal);
        Assert.Contains("govchain_blocks_committed_total 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MillisecondHistogram_IsExportedInSecondsWithDurationBuckets()
    {
        using var scope = new Scope();
        var writes = scope.Component.CreateHistogram<double>("govchain.test.write.duration", "ms");
        writes.Record(0.3);
        writes.Record(4);
        writes.Record(20_000);

        var text = scope.Exporter.Render();

        Assert.Contains("# TYPE govchain_test_write_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_test_write_duration_seconds_bucket{le=\"0.00025\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_test_write_duration_seconds_bucket{le=\"0.0005\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_test_write_duration_seconds_bucket{le=\"0.005\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_test_write_duration_seconds_bucket{le=\"10\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_test_write_duration_seconds_bucket{le=\"+Inf\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_test_write_duration_seconds_count 3\n", text, StringComparison.Ordinal);
        var sum = text.Split('\n').Single(l => l.StartsWith("govchain_test_write_duration_seconds_sum ", StringComparison.Ordinal)).Split(' ')[1];
        Assert.Equal(20.0043, double.Parse(sum, System.Globalization.CultureInfo.InvariantCulture), 9);
        PrometheusText.AssertWellFormed(text);
    }

    [Fact]
    public void Render_CountHistogramAndByteCounter_UseDecadesAndTheBytesSuffix()
    {
        using var scope = new Scope();
        scope.Component.CreateHistogram<long>("govchain.test.steps").Record(250);
        scope.Component.CreateCounter<long>("govchain.test.appended", "By").Add(4096);

        var text = scope.Exporter.Render();

        Assert.Contains("govchain_test_steps_bucket{le=\"100\"} 0\ngovchain_test_steps_bucket{le=\"1000\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE govchain_test_appended_bytes_total counter\ngovchain_test_appended_bytes_total 4096\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ObservableCounter_ReportsTheObservedTotalOnEveryScrape()
    {
        using var scope = new Scope();
        long total = 5;
        scope.Component.CreateObservableCounter("govchain.test.observed", () => total);

        Assert.Contains("govchain_test_observed_total 5\n", scope.Exporter.Render(), StringComparison.Ordinal);
        total = 8;
        Assert.Contains("govchain_test_observed_total 8\n", scope.Exporter.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FamiliesWhoseNamesPrefixEachOther_EachHaveOneTypeLine()
    {
        using var scope = new Scope();
        scope.Component.CreateUpDownCounter<long>("govchain.test.queue").Add(3, new KeyValuePair<string, object?>("peer", "a"));
        scope.Component.CreateUpDownCounter<long>("govchain.test.queue.bytes").Add(7);
        scope.Component.CreateUpDownCounter<long>("govchain.test.queue").Add(-1, new KeyValuePair<string, object?>("peer", "a"));

        var text = scope.Exporter.Render();

        PrometheusText.AssertWellFormed(text);
        Assert.Contains("# TYPE govchain_test_queue gauge\ngovchain_test_queue{peer=\"a\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_BeyondMaxSeries_DropsNewSeriesAndCountsThem()
    {
        using var scope = new Scope();
        var counter = scope.Component.CreateCounter<long>("govchain.test.by_id");
        for (var i = 0; i < PrometheusExporter.MaxSeries + 10; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", i));
        }

        var text = scope.Exporter.Render();

        var series = text.Split('\n').Count(l => l.StartsWith("govchain_test_by_id_total{", StringComparison.Ordinal));
        Assert.True(series <= PrometheusExporter.MaxSeries, $"{series} series kept");
        Assert.Contains("govchain_metrics_series_refused_total ", text, StringComparison.Ordinal);
        PrometheusText.AssertWellFormed(text);
    }

    /// <summary>
    /// A node meter, a component meter and the exporter over them. Component meters are
    /// process-wide: a name of its own keeps each test's figures apart.
    /// </summary>
    private sealed class Scope : IDisposable
    {
        public Scope(bool includeComponentMeters = true) => Exporter = new PrometheusExporter(Node.Meter, includeComponentMeters);

        public NodeMetrics Node { get; } = new();

        public Meter Component { get; } = new("GovChain.Test" + Guid.NewGuid().ToString("N")[..8]);

        public PrometheusExporter Exporter { get; }

        public void Dispose()
        {
            Exporter.Dispose();
            Component.Dispose();
            Node.Dispose();
        }
    }
}

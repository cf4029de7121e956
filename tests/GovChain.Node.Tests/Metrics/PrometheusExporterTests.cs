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
}

using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using GovChain.Node.Metrics;

namespace GovChain.Benchmarks.Metrics;

/// <summary>
/// What /metrics costs the code that counts: one counter increment seen by the node's exporter
/// (no tag, one tag as the peer and RPC counters use), and one scrape of a node-sized registry.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ExporterBenchmarks
{
    private const int Increments = 10_000;

    private static readonly KeyValuePair<string, object?> Reason = new("reason", "queue_full");

    private NodeMetrics _node = null!;
    private Meter _component = null!;
    private PrometheusExporter _exporter = null!;
    private Counter<long> _plain = null!;
    private Counter<long> _tagged = null!;
    private Histogram<double> _durations = null!;

    [GlobalSetup]
    public void Setup()
    {
        _node = new NodeMetrics();
        _component = new Meter("GovChain.Bench");
        _exporter = new PrometheusExporter(_node.Meter);
        _plain = _component.CreateCounter<long>("govchain.bench.plain");
        _tagged = _component.CreateCounter<long>("govchain.bench.tagged");
        _durations = _component.CreateHistogram<double>("govchain.bench.duration", "ms");
        for (var i = 0; i < 40; i++)
        {
            _tagged.Add(1, new KeyValuePair<string, object?>("reason", "r" + i));
            _durations.Record(i * 0.1, new KeyValuePair<string, object?>("kind", "k" + (i % 4)));
        }

        _node.SetHeight(1_000);
        _node.CommitLatency.Record(0.3);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter.Dispose();
        _component.Dispose();
        _node.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Increments)]
    public void CounterAdd_NoTag()
    {
        for (var i = 0; i < Increments; i++)
        {
            _plain.Add(1);
        }
    }

    [Benchmark(OperationsPerInvoke = Increments)]
    public void CounterAdd_OneTag()
    {
        for (var i = 0; i < Increments; i++)
        {
            _tagged.Add(1, Reason);
        }
    }

    [Benchmark(OperationsPerInvoke = Increments)]
    public void HistogramRecord_Milliseconds()
    {
        for (var i = 0; i < Increments; i++)
        {
            _durations.Record(1.5);
        }
    }

    [Benchmark]
    public int Scrape() => _exporter.Render().Length;
}

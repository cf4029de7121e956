using System.Diagnostics.Metrics;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Metrics;
using GovChain.Node.Network;
using GovChain.Node.Security;
using GovChain.Node.Setup;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Tests.Security;

/// <summary>Each served or pinned certificate's expiry at /metrics, in status and in the log; a warning 30 days before.</summary>
public sealed class CertificateExpiryTests
{
    [Fact]
    public void Watch_ACertificateWithin30Days_IsWarnedLoggedAndExported()
    {
        using var soon = DepartmentCertificates.Create("finance", ["127.0.0.1"], TimeSpan.FromDays(20));
        using var later = DepartmentCertificates.Create("justice", ["127.0.0.1"], TimeSpan.FromDays(365));
        var pins = new[] { PinnedCertificate.Of("finance", PinnedCertificate.PinnedUse, soon), PinnedCertificate.Of("justice", PinnedCertificate.PinnedUse, later) };
        using var meter = new Meter(NodeMetrics.MeterName);
        using var exporter = new PrometheusExporter(meter, includeComponentMeters: false);
        var log = new ListLogger();
        using var watch = new CertificateExpiryWatch(() => pins, meter, TimeProvider.System, log);

        var warned = watch.Check();

        Assert.Equal(["finance"], warned.Select(c => c.DepartmentId));
        var line = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("finance", line.Text, StringComparison.Ordinal);
        Assert.Contains("in 19 days", line.Text, StringComparison.Ordinal);
        var text = exporter.Render();
        Assert.Contains("govchain_tls_certificate_expiring{department=\"finance\",use=\"pinned\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_tls_certificate_expiring{department=\"justice\",use=\"pinned\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("govchain_tls_certificate_days_left{department=\"finance\",use=\"pinned\"} 19\n", text, StringComparison.Ordinal);
        Assert.Contains($"govchain_tls_certificate_expiry{{department=\"justice\",use=\"pinned\"}} {pins[1].NotAfter.ToUnixTimeSeconds()}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_ExpiredCertificate_IsAnErrorWithNegativeDays()
    {
        using var certificate = DepartmentCertificates.Create("finance", ["127.0.0.1"], TimeSpan.FromDays(10));
        var pin = PinnedCertificate.Of("finance", PinnedCertificate.PinnedUse, certificate);
        var log = new ListLogger();
        using var meter = new Meter(NodeMetrics.MeterName);
        using var watch = new CertificateExpiryWatch(() => [pin], meter, new FixedTime(pin.NotAfter.AddDays(3)), log);

        watch.Check();

        Assert.Equal(LogLevel.Error, Assert.Single(log.Lines).Level);
        Assert.Equal(-3, pin.DaysLeft(pin.NotAfter.AddDays(3)));
        Assert.True(pin.IsExpired(pin.NotAfter));
        Assert.False(pin.IsExpiringSoon(pin.NotAfter.AddDays(-31)));
        Assert.True(pin.IsExpiringSoon(pin.NotAfter.AddDays(-29)));
    }

    [Fact]
    public async Task Node_WithACertificateExpiringIn20Days_ReportsItInStatusAndMetrics()
    {
        using var network = new NetworkBlueprint { Departments = ["land-registry"], CertificateValidity = TimeSpan.FromDays(20), Storage = new StorageSettings { InMemory = true } }.Generate();
        using var folder = new TempDirectory();
        var files = network.WriteTo(folder.Path);
        var options = NodeOptionsLoader.Load(files.ConfigFile("land-registry"));
        await using var node = GovChainNode.Create(options, new GovChainNodeSettings { PeerNetworkFactory = _ => new IsolatedPeerNetwork() });
        using var exporter = new PrometheusExporter(node.Metrics.Meter, includeComponentMeters: false);

        var status = node.Status.GetStatus();

        // The node serves its certificate and genesis pins the same one: both are listed, both due.
        Assert.Equal(["pinned", "served"], status.Certificates.Select(c => c.Use).Order());
        Assert.All(status.Certificates, c =>
        {
            Assert.Equal("land-registry", c.DepartmentId);
            Assert.True(c.Expiring);
            Assert.Equal(19, c.DaysLeft);
            Assert.Equal(network.Departments[0].Certificate.NotAfter.ToUniversalTime(), DateTimeOffset.FromUnixTimeMilliseconds(c.NotAfterUnixMs).UtcDateTime);
        });
        Assert.Contains("govchain_tls_certificate_expiring{department=\"land-registry\",use=\"served\"} 1\n", exporter.Render(), StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "govchain-cert-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Text)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }
}

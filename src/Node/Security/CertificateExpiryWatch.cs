using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Security;

/// <summary>
/// Keeps the expiry of every certificate the node serves or pins in sight: gauges at /metrics
/// (read at scrape time), a warning in the log at start and every <see cref="CheckInterval"/>
/// while one is within <see cref="PinnedCertificate.WarningDays"/> of its end, and the list the
/// status call reports. An expired pin halts every handshake with that department, and the
/// rotation that prevents it takes a governance vote and an overlap window: a month's notice.
/// </summary>
public sealed partial class CertificateExpiryWatch : IDisposable
{
    /// <summary>How often the log is told again about a certificate near its end.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(12);

    private readonly Func<IReadOnlyList<PinnedCertificate>> _source;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ITimer? _timer;

    /// <param name="source">The certificates in force now (read at every check, so a rotation shows at once).</param>
    public CertificateExpiryWatch(Func<IReadOnlyList<PinnedCertificate>> source, Meter meter, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _source = source;
        _time = time;
        _logger = logger;
        meter.CreateObservableGauge(
            "govchain.tls.certificate.expiry",
            () => Measure(c => c.NotAfter.ToUnixTimeSeconds()),
            description: "When each served or pinned TLS certificate expires (notAfter, Unix seconds).");
        meter.CreateObservableGauge(
            "govchain.tls.certificate.days_left",
            () => Measure(c => (long)c.DaysLeft(_time.GetUtcNow())),
            description: "Whole days until each served or pinned TLS certificate expires (negative: expired).");
        meter.CreateObservableGauge(
            "govchain.tls.certificate.expiring",
            () => Measure(c => c.IsExpiringSoon(_time.GetUtcNow()) ? 1L : 0L),
            description: $"1 when a served or pinned TLS certificate expires within {PinnedCertificate.WarningDays} days (or has): rotate it.");
    }

    /// <summary>The certificates in force now.</summary>
    public IReadOnlyList<PinnedCertificate> Current => _source();

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Logs now, then every <see cref="CheckInterval"/>.</summary>
    public void Start()
    {
        Check();
        _timer ??= _time.CreateTimer(static s => ((CertificateExpiryWatch)s!).Check(), this, CheckInterval, CheckInterval);
    }

    /// <summary>Logs a warning for each certificate within the warning window; returns those.</summary>
    public IReadOnlyList<PinnedCertificate> Check()
    {
        var now = _time.GetUtcNow();
        var soon = Current.Where(c => c.IsExpiringSoon(now)).ToList();
        foreach (var c in soon)
        {
            if (c.IsExpired(now))
            {
                LogExpired(_logger, c.Use, c.DepartmentId, c.NotAfter, c.Sha256[..16]);
            }
            else
            {
                LogExpiringSoon(_logger, c.Use, c.DepartmentId, c.NotAfter, c.DaysLeft(now), c.Sha256[..16]);
            }
        }

        return soon;
    }

    public void Dispose() => _timer?.Dispose();

    private IEnumerable<Measurement<long>> Measure(Func<PinnedCertificate, long> value) =>
        Current.Select(c => new Measurement<long>(
            value(c),
            new KeyValuePair<string, object?>("department", c.DepartmentId),
            new KeyValuePair<string, object?>("use", c.Use)));

    [LoggerMessage(EventId = 7400, Level = LogLevel.Warning, Message = "TLS certificate ({Use}) of {DepartmentId} expires {NotAfter:u}, in {DaysLeft} days (sha256 {Fingerprint}…): rotate it by governance before then (README: rotating a TLS certificate)")]
    private static partial void LogExpiringSoon(ILogger logger, string use, string departmentId, DateTimeOffset notAfter, int daysLeft, string fingerprint);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Error, Message = "TLS certificate ({Use}) of {DepartmentId} expired {NotAfter:u} (sha256 {Fingerprint}…): handshakes with it fail; rotate it by governance")]
    private static partial void LogExpired(ILogger logger, string use, string departmentId, DateTimeOffset notAfter, string fingerprint);
}

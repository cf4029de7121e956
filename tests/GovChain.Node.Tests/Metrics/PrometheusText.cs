using System.Globalization;
using System.Text.RegularExpressions;

namespace GovChain.Node.Tests.Metrics;

/// <summary>Checks a scrape against the text exposition format a Prometheus server parses.</summary>
internal static partial class PrometheusText
{
    /// <summary>
    /// Every family has one HELP and one TYPE line before its samples, its samples are together,
    /// every sample names its family (histograms: _bucket, _sum, _count) and has a numeric value.
    /// </summary>
    public static void AssertWellFormed(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var typed = new HashSet<string>(StringComparer.Ordinal);
        string? helped = null;
        string? family = null;
        string? type = null;
        foreach (var line in text[..^1].Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                helped = line.Split(' ')[2];
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Equal(helped, parts[2]);
                Assert.True(typed.Add(parts[2]), $"family {parts[2]} declared twice");
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram" });
                (family, type) = (parts[2], parts[3]);
                continue;
            }

            var sample = Sample().Match(line);
            Assert.True(sample.Success, $"not a sample line: '{line}'");
            Assert.NotNull(family);
            var name = sample.Groups["name"].Value;
            var allowed = type == "histogram" ? new[] { family + "_bucket", family + "_sum", family + "_count" } : [family];
            Assert.True(allowed.Contains(name), $"sample {name} outside its family {family}");
            var value = sample.Groups["value"].Value;
            Assert.True(value == "+Inf" || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _), $"bad value in '{line}'");
        }
    }

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})? (?<value>\\S+)$")]
    private static partial Regex Sample();
}

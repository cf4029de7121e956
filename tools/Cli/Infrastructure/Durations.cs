using System.Globalization;

namespace GovChain.Cli.Infrastructure;

/// <summary>Durations as operators type them: 90s, 15m, 2h, 7d, or a .NET time span (1.00:00:00).</summary>
internal static class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && char.IsAsciiLetterLower(trimmed[^1])
            && double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            && amount > 0 && amount < 1e6)
        {
            TimeSpan? span = trimmed[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } known)
            {
                return known;
            }
        }

        if (TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero)
        {
            return parsed;
        }

        throw new CliError($"{option} '{text}' is not a positive duration such as 90s, 15m, 2h or 7d");
    }
}

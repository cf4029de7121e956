using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovChain.Node.Tests.Support;

/// <summary>Node logs on the console when GOVCHAIN_TEST_LOG is set (to a level name), else none.</summary>
internal static class TestLogging
{
    public static ILoggerFactory Factory { get; } = Create();

    private static ILoggerFactory Create()
    {
        var level = Environment.GetEnvironmentVariable("GOVCHAIN_TEST_LOG");
        if (string.IsNullOrEmpty(level) || !Enum.TryParse<LogLevel>(level, ignoreCase: true, out var minimum))
        {
            return NullLoggerFactory.Instance;
        }

        return LoggerFactory.Create(b => b.SetMinimumLevel(minimum).AddSimpleConsole(o => o.SingleLine = true));
    }
}

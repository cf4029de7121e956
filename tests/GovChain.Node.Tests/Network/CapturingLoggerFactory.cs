using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Tests.Network;

/// <summary>Keeps every log event written through it, so tests can check that refusals are logged.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Events { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public bool Has(int eventId, string fragment) =>
        Events.Any(e => e.Id.Id == eventId && e.Message.Contains(fragment, StringComparison.Ordinal));

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Events.Enqueue((eventId, logLevel, formatter(state, exception)));
    }
}

using Microsoft.Extensions.Logging;

namespace GovChain.Storage.Tests;

/// <summary>Keeps every entry with its event id and structured fields, in order.</summary>
internal sealed class RecordingLogger : ILogger<NodeDatabase>
{
    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var fields = new Dictionary<string, object?>();
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                fields[key] = value;
            }
        }

        lock (_entries)
        {
            _entries.Add(new Entry(logLevel, eventId.Id, formatter(state, exception), fields));
        }
    }

    internal sealed record Entry(LogLevel Level, int EventId, string Message, IReadOnlyDictionary<string, object?> Fields);
}

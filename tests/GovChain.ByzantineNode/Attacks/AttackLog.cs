using Microsoft.Extensions.Logging;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>The Byzantine node's log lines; the process tests count <c>Byzantine attack</c> lines to know an attack struck.</summary>
internal static partial class AttackLog
{
    [LoggerMessage(EventId = 9910, Level = LogLevel.Warning, Message = "Byzantine attack {Mode} started")]
    public static partial void Started(ILogger logger, string mode);

    [LoggerMessage(EventId = 9911, Level = LogLevel.Warning, Message = "Byzantine attack {Mode} struck at height {Height} round {Round}: {What}")]
    public static partial void Struck(ILogger logger, string mode, ulong height, uint round, string what);

    [LoggerMessage(EventId = 9912, Level = LogLevel.Warning, Message = "Byzantine attack {Mode} sent {Count} messages so far")]
    public static partial void Flooded(ILogger logger, string mode, long count);

    [LoggerMessage(EventId = 9913, Level = LogLevel.Error, Message = "Byzantine attack {Mode} failed")]
    public static partial void Failed(ILogger logger, string mode, Exception exception);
}

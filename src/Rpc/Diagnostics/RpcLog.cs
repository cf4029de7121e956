using Microsoft.Extensions.Logging;

namespace GovChain.Rpc;

/// <summary>Log events of the RPC layer; event ids 3000-3099 belong to it.</summary>
internal static partial class RpcLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "gRPC server listening on {Address}")]
    public static partial void ServerStarted(ILogger logger, string address);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "gRPC server stopped")]
    public static partial void ServerStopped(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Handler of {Method} failed; answered {StatusCode}")]
    public static partial void HandlerFailed(ILogger logger, string method, StatusCode statusCode, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Call {Method} was reset by the client")]
    public static partial void CallAborted(ILogger logger, string method);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Could not send the status of {Method}")]
    public static partial void StatusNotSent(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Call {Method} passed its deadline")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Rejected request {Path}: {StatusCode} {Detail}")]
    public static partial void RequestRejected(ILogger logger, string path, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Closed a connection from {Address}: it already holds its share of connections")]
    public static partial void ConnectionRefused(ILogger logger, string address);
}

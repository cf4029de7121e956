using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Server;

/// <summary>Log events of the node's listeners; event ids 3000-3099 belong to them.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "gRPC {Endpoint} endpoint listening on {Address}")]
    public static partial void ServerStarted(ILogger logger, string endpoint, string address);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "gRPC endpoints stopped")]
    public static partial void ServerStopped(ILogger logger);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Refused call {Method} from {Address}: {StatusCode} {Detail}")]
    public static partial void CallRefused(ILogger logger, string method, string address, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Closed a connection from {Address}: it already holds its share of connections")]
    public static partial void ConnectionRefused(ILogger logger, string address);
}

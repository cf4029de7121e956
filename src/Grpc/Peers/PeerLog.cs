using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Peers;

/// <summary>Log events of the peer network; event ids 5300-5399 belong to it.</summary>
internal static partial class PeerLog
{
    [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "Peer session with {DepartmentId} opened ({Direction})")]
    public static partial void SessionOpened(ILogger logger, string departmentId, string direction);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Peer session with {DepartmentId} closed ({Direction}): {Reason}")]
    public static partial void SessionClosed(ILogger logger, string departmentId, string direction, string reason);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Refused peer {Remote} claiming {DepartmentId}: {StatusCode} {Reason}")]
    public static partial void Refused(ILogger logger, string remote, string departmentId, StatusCode statusCode, string reason);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Warning, Message = "Handshake with {DepartmentId} at {Endpoint} failed: {Reason}")]
    public static partial void DialRefused(ILogger logger, string departmentId, string endpoint, string reason);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Debug, Message = "Connection to {DepartmentId} at {Endpoint} failed ({StatusCode}); retrying in {DelayMs} ms")]
    public static partial void DialFailed(ILogger logger, string departmentId, string endpoint, StatusCode statusCode, long delayMs);

    [LoggerMessage(EventId = 5305, Level = LogLevel.Warning, Message = "Peer {DepartmentId} reported for misbehaviour: {Reason}; disconnected for {BanMs} ms")]
    public static partial void Misbehaviour(ILogger logger, string departmentId, string reason, long banMs);

    [LoggerMessage(EventId = 5306, Level = LogLevel.Debug, Message = "Gossip of {Count} transactions to {DepartmentId} failed ({StatusCode})")]
    public static partial void GossipFailed(ILogger logger, string departmentId, int count, StatusCode statusCode);

    [LoggerMessage(EventId = 5307, Level = LogLevel.Information, Message = "Fetching blocks from {DepartmentId} at height {Height} failed: {Reason}")]
    public static partial void FetchFailed(ILogger logger, string departmentId, ulong height, string reason);

    [LoggerMessage(EventId = 5308, Level = LogLevel.Warning, Message = "No peer could serve blocks from height {Height}; fetch ends early")]
    public static partial void FetchExhausted(ILogger logger, ulong height);

    [LoggerMessage(EventId = 5309, Level = LogLevel.Error, Message = "The peer handler failed on {What} from {DepartmentId}")]
    public static partial void HandlerFailed(ILogger logger, string what, string departmentId, Exception exception);

    [LoggerMessage(EventId = 5310, Level = LogLevel.Debug, Message = "Dropped an empty consensus message from {DepartmentId}")]
    public static partial void EmptyMessage(ILogger logger, string departmentId);

    [LoggerMessage(EventId = 5311, Level = LogLevel.Warning, Message = "Refused a {Method} call from {Remote}: {StatusCode} {Reason}")]
    public static partial void CallRefused(ILogger logger, string method, string remote, StatusCode statusCode, string reason);

    [LoggerMessage(EventId = 5315, Level = LogLevel.Information, Message = "Membership of {DepartmentId}: {Change}")]
    public static partial void MembershipChanged(ILogger logger, string departmentId, string change);

    [LoggerMessage(EventId = 5316, Level = LogLevel.Warning, Message = "Membership at height {Height}: {Problem}; that peer is not dialled")]
    public static partial void MembershipProblem(ILogger logger, ulong height, string problem);

    [LoggerMessage(EventId = 5317, Level = LogLevel.Warning, Message = "Department {DepartmentId} is a member of the chain: {IsMember} (from height {Height}); peers accept only members")]
    public static partial void OwnMembership(ILogger logger, string departmentId, bool isMember, ulong height);
}

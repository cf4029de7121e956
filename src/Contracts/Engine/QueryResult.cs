using Google.Protobuf;

namespace GovChain.Contracts.Engine;

/// <summary>The answer of a read-only query: the encoded result message, or an error code and message.</summary>
public readonly record struct QueryResult(ResultCode Code, string Message, ByteString Result)
{
    public bool IsSuccess => Code == ResultCode.Ok;

    internal static QueryResult Ok(ByteString result) => new(ResultCode.Ok, string.Empty, result);

    internal static QueryResult Error(ResultCode code, string message) => new(code, message, ByteString.Empty);
}

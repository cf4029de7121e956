using GovChain.Contracts.Engine;
using Grpc.Core;

namespace GovChain.Grpc.ClientApi;

/// <summary>How a failed query's contract result code is told to a client (the code itself rides in a trailer).</summary>
public static class QueryStatus
{
    /// <summary>Trailer carrying the contract's numeric <see cref="ResultCode"/>.</summary>
    public const string ResultCodeTrailer = "govchain-result-code";

    public static StatusCode ToStatusCode(ResultCode code) => code switch
    {
        ResultCode.Ok => StatusCode.OK,
        ResultCode.UnknownContract or ResultCode.UnknownMethod => StatusCode.Unimplemented,
        ResultCode.MalformedArgs or ResultCode.InvalidArgument => StatusCode.InvalidArgument,
        ResultCode.NotFound => StatusCode.NotFound,
        ResultCode.Unauthorized => StatusCode.PermissionDenied,
        ResultCode.OutOfSteps or ResultCode.LimitExceeded => StatusCode.ResourceExhausted,
        _ => StatusCode.FailedPrecondition,
    };
}

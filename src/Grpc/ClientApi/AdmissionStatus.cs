using GovChain.Node.Mempool;
using Grpc.Core;

namespace GovChain.Grpc.ClientApi;

/// <summary>
/// How each mempool refusal is told to a client. ALREADY_EXISTS means "this very transaction
/// is already known" (pending or committed), so a client retrying after a lost answer can
/// treat it as success; every other nonce problem is FAILED_PRECONDITION.
/// </summary>
public static class AdmissionStatus
{
    /// <summary>Trailer naming the <see cref="AdmissionCode"/> of a refusal, for programs that branch on it.</summary>
    public const string ReasonTrailer = "govchain-admission";

    /// <summary>Trailer of a RESOURCE_EXHAUSTED refusal: milliseconds after which a retry is likely to be admitted.</summary>
    public const string RetryAfterTrailer = "govchain-retry-after-ms";

    public static StatusCode ToStatusCode(AdmissionCode code) => code switch
    {
        AdmissionCode.Admitted => StatusCode.OK,
        AdmissionCode.AlreadyKnown => StatusCode.AlreadyExists,
        AdmissionCode.Malformed or AdmissionCode.TooLarge or AdmissionCode.WrongChain or AdmissionCode.BadSignature => StatusCode.InvalidArgument,
        AdmissionCode.NonceTooLow or AdmissionCode.NonceTooHigh or AdmissionCode.NonceTaken => StatusCode.FailedPrecondition,
        AdmissionCode.SenderFull or AdmissionCode.PoolFull or AdmissionCode.ClientFull => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    /// <summary>The exception that ends a Submit call refused with <paramref name="result"/>.</summary>
    public static RpcException ToException(AdmissionResult result)
    {
        var trailers = new Metadata { { ReasonTrailer, result.Code.ToString() } };
        if (result.RetryAfterMs > 0)
        {
            trailers.Add(RetryAfterTrailer, result.RetryAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new RpcException(new Status(ToStatusCode(result.Code), result.Reason), trailers);
    }
}

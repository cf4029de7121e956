using Grpc.Core;

namespace GovChain.Client;

/// <summary>
/// A call that never reached the node (its TLS certificate refused, no HTTP/2 spoken) is
/// INTERNAL to Grpc.Net.Client but UNAVAILABLE to gRPC's other clients and to this SDK's
/// callers: the node could not be reached, and the retry policy treats it so.
/// </summary>
internal static class TransportFailure
{
    public static RpcException Normalize(RpcException error) =>
        error.StatusCode == StatusCode.Internal && NoResponse(error.Status.DebugException)
            ? new RpcException(new Status(StatusCode.Unavailable, error.Status.Detail, error.Status.DebugException), error.Trailers)
            : error;

    public static async Task<T> NormalizedAsync<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (RpcException ex) when (Normalize(ex) is var normalized && !ReferenceEquals(normalized, ex))
        {
            throw normalized;
        }
    }

    // A status the node sent carries no exception; the HTTP client's failure to send the request does.
    private static bool NoResponse(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException)
            {
                return true;
            }
        }

        return false;
    }
}

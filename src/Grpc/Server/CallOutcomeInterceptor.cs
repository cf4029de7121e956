using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GovChain.Grpc.Server;

/// <summary>The token an endpoint cancels when it stops; streaming calls in flight see it as their own cancellation.</summary>
internal sealed class EndpointStopping(CancellationToken token)
{
    public CancellationToken Token { get; } = token;
}

/// <summary>
/// How every call ends, in one place: counted by status code (<c>govchain_rpc_server_calls_total</c>),
/// and a call cut short because its endpoint is stopping (a block stream, a commit wait) ends
/// with UNAVAILABLE, which clients retry on another node or after the restart, rather than the
/// UNKNOWN a handler's cancellation would otherwise give.
/// </summary>
internal sealed class CallOutcomeInterceptor(EndpointStopping stopping) : Interceptor
{
    private const string StoppingReason = "the node is stopping; retry on another node or after its restart";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            ServerMetrics.CallCompleted(StatusCode.OK);
            return response;
        }
        catch (Exception ex) when (CountEnded(ex, context))
        {
            throw RpcErrors.Of(StatusCode.Unavailable, StoppingReason);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            var response = await continuation(requestStream, context).ConfigureAwait(false);
            ServerMetrics.CallCompleted(StatusCode.OK);
            return response;
        }
        catch (Exception ex) when (CountEnded(ex, context))
        {
            throw RpcErrors.Of(StatusCode.Unavailable, StoppingReason);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            ServerMetrics.CallCompleted(StatusCode.OK);
        }
        catch (Exception ex) when (CountEnded(ex, context))
        {
            throw RpcErrors.Of(StatusCode.Unavailable, StoppingReason);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
            ServerMetrics.CallCompleted(StatusCode.OK);
        }
        catch (Exception ex) when (CountEnded(ex, context))
        {
            throw RpcErrors.Of(StatusCode.Unavailable, StoppingReason);
        }
    }

    /// <summary>Counts how the call ended; true when the stop cut it short (it then ends as UNAVAILABLE), false to let a handler's own status through.</summary>
    private bool CountEnded(Exception ex, ServerCallContext context)
    {
        if (stopping.Token.IsCancellationRequested && ex is not RpcException { StatusCode: not StatusCode.Cancelled })
        {
            ServerMetrics.CallCompleted(StatusCode.Unavailable);
            return true;
        }

        ServerMetrics.CallCompleted(ex switch
        {
            RpcException rpc => rpc.StatusCode,
            OperationCanceledException when context.CancellationToken.IsCancellationRequested => StatusCode.Cancelled,
            _ => StatusCode.Unknown,
        });
        return false;
    }
}

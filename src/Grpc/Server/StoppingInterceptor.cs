using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GovChain.Grpc.Server;

/// <summary>The token an endpoint cancels when it stops; the calls in flight see it as their own cancellation.</summary>
internal sealed class EndpointStopping(CancellationToken token)
{
    public CancellationToken Token { get; } = token;
}

/// <summary>
/// A call that ends because its endpoint is stopping (a block stream, a commit wait) ends with
/// UNAVAILABLE, which clients retry on another node or after the restart, rather than the
/// UNKNOWN a handler's cancellation would otherwise give.
/// </summary>
internal sealed class StoppingInterceptor(EndpointStopping stopping) : Interceptor
{
    private const string Reason = "the node is stopping; retry on another node or after its restart";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Stopped(ex))
        {
            throw RpcErrors.Of(StatusCode.Unavailable, Reason);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Stopped(ex))
        {
            throw RpcErrors.Of(StatusCode.Unavailable, Reason);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Stopped(ex))
        {
            throw RpcErrors.Of(StatusCode.Unavailable, Reason);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Stopped(ex))
        {
            throw RpcErrors.Of(StatusCode.Unavailable, Reason);
        }
    }

    // A handler's own refusal keeps its status; only what the stop cut short is re-labelled.
    private bool Stopped(Exception ex) => stopping.Token.IsCancellationRequested && ex is not RpcException { StatusCode: not StatusCode.Cancelled };
}

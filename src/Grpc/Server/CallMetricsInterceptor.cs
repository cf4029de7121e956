using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GovChain.Grpc.Server;

/// <summary>Counts every completed call by its status code (<c>govchain_rpc_server_calls_total</c>).</summary>
internal sealed class CallMetricsInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            ServerMetrics.CallCompleted(StatusCode.OK);
            return response;
        }
        catch (Exception ex)
        {
            ServerMetrics.CallCompleted(CodeOf(ex, context));
            throw;
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
        catch (Exception ex)
        {
            ServerMetrics.CallCompleted(CodeOf(ex, context));
            throw;
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
        catch (Exception ex)
        {
            ServerMetrics.CallCompleted(CodeOf(ex, context));
            throw;
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
        catch (Exception ex)
        {
            ServerMetrics.CallCompleted(CodeOf(ex, context));
            throw;
        }
    }

    private static StatusCode CodeOf(Exception ex, ServerCallContext context) => ex switch
    {
        RpcException rpc => rpc.StatusCode,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested => StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };
}

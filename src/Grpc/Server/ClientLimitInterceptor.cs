using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace GovChain.Grpc.Server;

/// <summary>
/// Gives each client address its share of calls (see <see cref="ClientCallLimiter"/>): a call
/// beyond it ends at once with RESOURCE_EXHAUSTED, a reason, and the trailer
/// <c>govchain-limit</c> naming the limit, before any handler runs or any request is read.
/// </summary>
internal sealed class ClientLimitInterceptor(ClientCallLimiter limiter, ILogger<ClientLimitInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var slot = Take(context);
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var slot = Take(context);
        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var slot = Take(context);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var slot = Take(context);
        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    private IDisposable Take(ServerCallContext context)
    {
        var address = ClientCallLimiter.Normalize(context.RemoteIpAddress());
        var slot = limiter.TryStartCall(address, out var refusal, out var limit);
        if (slot is not null)
        {
            return slot;
        }

        ServerLog.CallRefused(logger, context.Method, address.ToString(), refusal.StatusCode, refusal.Detail);
        ServerMetrics.ClientRefused(limit);
        throw new RpcException(refusal, new Metadata { { ClientCallLimiter.LimitTrailer, limit } });
    }
}

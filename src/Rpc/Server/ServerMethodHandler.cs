using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Connections;

namespace GovChain.Rpc;

/// <summary>Runs calls of one method: reads requests, invokes the handler, writes responses and the status.</summary>
internal abstract class ServerMethodHandler
{
    public abstract IMethod Method { get; }

    public abstract Task HandleAsync(HttpContext http, ServerCallSettings settings);
}

internal sealed class ServerMethodHandler<TRequest, TResponse> : ServerMethodHandler
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>What a client sees when a handler throws: the exception's text may hold internals, so it is never sent.</summary>
    private const string HandlerFailedDetail = "the server failed while handling the call";

    private readonly Method<TRequest, TResponse> _method;

    public ServerMethodHandler(Method<TRequest, TResponse> method) => _method = method;

    public override IMethod Method => _method;

    public UnaryHandler<TRequest, TResponse>? Unary { get; init; }

    public ServerStreamingHandler<TRequest, TResponse>? ServerStreaming { get; init; }

    public ClientStreamingHandler<TRequest, TResponse>? ClientStreaming { get; init; }

    public DuplexStreamingHandler<TRequest, TResponse>? DuplexStreaming { get; init; }

    public override async Task HandleAsync(HttpContext http, ServerCallSettings settings)
    {
        var call = new ServerCallContext(http, _method, settings);
        try
        {
            var start = call.Start();
            if (start.Code != StatusCode.OK)
            {
                RpcLog.RequestRejected(settings.Logger, _method.FullName, start.Code, start.Detail);
                http.Response.Headers.GrpcAcceptEncoding = GrpcWire.SupportedEncodings;
                ServerCallContext.WriteTrailersOnly(http.Response, start, null, null);
                RpcMetrics.ServerCallCompleted(start.Code);
                return;
            }

            try
            {
                await RunAsync(call).ConfigureAwait(false);
                await call.FinishAsync(Status.Ok, null, complete: false).ConfigureAwait(false);
            }
            catch (Exception ex) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client reset the stream: nothing can be sent any more.
                _ = ex;
                RpcLog.CallAborted(settings.Logger, _method.FullName);
            }
            catch (Exception ex)
            {
                await FailAsync(call, ex, settings).ConfigureAwait(false);
            }
            finally
            {
                await call.EndAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            call.Release();
        }
    }

    private async Task RunAsync(ServerCallContext call)
    {
        var token = call.CancellationToken;
        switch (_method.Type)
        {
            case MethodType.Unary:
            {
                var request = await call.Reader.ReadSingleAsync(_method.RequestParser, token).ConfigureAwait(false);
                var response = await Unary!(request, call).ConfigureAwait(false);
                await call.WriteMessageAsync(CheckResponse(response), flush: false, token).ConfigureAwait(false);
                break;
            }

            case MethodType.ServerStreaming:
            {
                var request = await call.Reader.ReadSingleAsync(_method.RequestParser, token).ConfigureAwait(false);
                await ServerStreaming!(request, new ResponseStream(call), call).ConfigureAwait(false);
                break;
            }

            case MethodType.ClientStreaming:
            {
                var response = await ClientStreaming!(new RequestStream(call, _method.RequestParser), call).ConfigureAwait(false);
                await call.WriteMessageAsync(CheckResponse(response), flush: false, token).ConfigureAwait(false);
                break;
            }

            default:
                await DuplexStreaming!(new RequestStream(call, _method.RequestParser), new ResponseStream(call), call).ConfigureAwait(false);
                break;
        }
    }

    private TResponse CheckResponse(TResponse? response) =>
        response ?? throw new InvalidOperationException($"the handler of {_method.FullName} returned no response");

    private async Task FailAsync(ServerCallContext call, Exception ex, ServerCallSettings settings)
    {
        Status status;
        Metadata? trailers = null;
        switch (ex)
        {
            case RpcException rpc:
                status = rpc.Status;
                trailers = rpc.Trailers.Count > 0 ? rpc.Trailers : null;
                RpcLog.CallFailed(settings.Logger, _method.FullName, status.Code, status.Detail);
                break;
            case Exception when call.DeadlineFired:
                // The deadline already answered the client; what the handler threw after that is its consequence.
                status = new Status(StatusCode.DeadlineExceeded, "deadline exceeded");
                break;
            case OperationCanceledException when settings.Stopping.IsCancellationRequested:
                status = new Status(StatusCode.Unavailable, "the server is shutting down");
                break;
            default:
                status = new Status(StatusCode.Unknown, HandlerFailedDetail);
                RpcLog.HandlerFailed(settings.Logger, _method.FullName, status.Code, ex);
                break;
        }

        try
        {
            await call.FinishAsync(status, trailers, complete: false).ConfigureAwait(false);
        }
        catch (Exception sendError) when (sendError is IOException or InvalidOperationException or ConnectionAbortedException or OperationCanceledException)
        {
            RpcLog.StatusNotSent(settings.Logger, _method.FullName, sendError);
        }
    }

    private sealed class RequestStream(ServerCallContext call, MessageParser<TRequest> parser) : IAsyncStreamReader<TRequest>
    {
        private TRequest? _current;

        public TRequest Current => _current ?? throw new InvalidOperationException("call MoveNextAsync first");

        public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
        {
            using var linked = call.LinkWithCall(cancellationToken);
            _current = await call.Reader.ReadAsync(parser, linked?.Token ?? call.CancellationToken).ConfigureAwait(false);
            return _current is not null;
        }
    }

    private sealed class ResponseStream(ServerCallContext call) : IAsyncStreamWriter<TResponse>
    {
        public Task WriteAsync(TResponse message, CancellationToken cancellationToken = default) =>
            call.WriteMessageAsync(message, flush: true, cancellationToken);
    }
}

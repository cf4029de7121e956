namespace GovChain.Rpc;

/// <summary>What every kind of client call offers: its response headers, final status and trailers, and cancellation.</summary>
public abstract class ActiveCall : IDisposable
{
    private readonly IClientCallState _call;

    private protected ActiveCall(IClientCallState call) => _call = call;

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status; only once the response (or its error) has arrived.</summary>
    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it has not completed.</summary>
    public void Dispose()
    {
        _call.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A unary call with access to its response headers and trailers.</summary>
public sealed class UnaryCall<TResponse> : ActiveCall
{
    internal UnaryCall(IClientCallState call, Task<TResponse> response)
        : base(call) => ResponseAsync = response;

    public Task<TResponse> ResponseAsync { get; }
}

/// <summary>A server-streaming call: read <see cref="ResponseStream"/> to its end; dispose to cancel early.</summary>
public sealed class ServerStreamingCall<TResponse> : ActiveCall
{
    internal ServerStreamingCall(IClientCallState call, IAsyncStreamReader<TResponse> responses)
        : base(call) => ResponseStream = responses;

    public IAsyncStreamReader<TResponse> ResponseStream { get; }
}

/// <summary>A client-streaming call: write requests, complete the stream, then await <see cref="ResponseAsync"/>.</summary>
public sealed class ClientStreamingCall<TRequest, TResponse> : ActiveCall
{
    internal ClientStreamingCall(IClientCallState call, IClientStreamWriter<TRequest> requests, Task<TResponse> response)
        : base(call)
    {
        RequestStream = requests;
        ResponseAsync = response;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public Task<TResponse> ResponseAsync { get; }
}

/// <summary>A bidirectional call: write requests and read responses concurrently.</summary>
public sealed class DuplexStreamingCall<TRequest, TResponse> : ActiveCall
{
    internal DuplexStreamingCall(IClientCallState call, IClientStreamWriter<TRequest> requests, IAsyncStreamReader<TResponse> responses)
        : base(call)
    {
        RequestStream = requests;
        ResponseStream = responses;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }
}

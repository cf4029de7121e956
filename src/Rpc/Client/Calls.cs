namespace GovChain.Rpc;

/// <summary>A unary call with access to its response headers and trailers.</summary>
public sealed class UnaryCall<TResponse> : IDisposable
{
    private readonly IClientCallState _call;

    internal UnaryCall(IClientCallState call, Task<TResponse> response)
    {
        _call = call;
        ResponseAsync = response;
    }

    public Task<TResponse> ResponseAsync { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status; only once the response (or its error) has arrived.</summary>
    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it has not completed.</summary>
    public void Dispose() => _call.Dispose();
}

/// <summary>A server-streaming call: read <see cref="ResponseStream"/> to its end; dispose to cancel early.</summary>
public sealed class ServerStreamingCall<TResponse> : IDisposable
{
    private readonly IClientCallState _call;

    internal ServerStreamingCall(IClientCallState call, IAsyncStreamReader<TResponse> responses)
    {
        _call = call;
        ResponseStream = responses;
    }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}

/// <summary>A client-streaming call: write requests, complete the stream, then await <see cref="ResponseAsync"/>.</summary>
public sealed class ClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCallState _call;

    internal ClientStreamingCall(IClientCallState call, IClientStreamWriter<TRequest> requests, Task<TResponse> response)
    {
        _call = call;
        RequestStream = requests;
        ResponseAsync = response;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public Task<TResponse> ResponseAsync { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}

/// <summary>A bidirectional call: write requests and read responses concurrently.</summary>
public sealed class DuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCallState _call;

    internal DuplexStreamingCall(IClientCallState call, IClientStreamWriter<TRequest> requests, IAsyncStreamReader<TResponse> responses)
    {
        _call = call;
        RequestStream = requests;
        ResponseStream = responses;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}

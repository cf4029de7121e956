using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace GovChain.Rpc;

/// <summary>What the public call objects expose of a call in progress, whatever its message types.</summary>
internal interface IClientCallState : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    Status GetStatus();

    Metadata GetTrailers();
}

/// <summary>
/// One client call of any kind over one HTTP/2 stream. The response side is read through
/// <see cref="MoveNextAsync"/>; the request side (for streaming kinds) through
/// <see cref="WriteAsync"/> and <see cref="CompleteAsync"/>.
/// </summary>
internal sealed partial class ClientCall<TRequest, TResponse> : IClientCallState, IAsyncStreamReader<TResponse>, IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly RpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _token;
    private readonly Lock _statusLock = new();
    private CancellationTokenRegistration _abortRegistration;
    private StreamingContent? _requestContent;
    private PooledBufferWriter? _writeBuffer;
    private Task _responseTask = Task.CompletedTask;
    private HttpResponseMessage? _response;
    private MessageReader? _reader;
    private Status? _status;
    private Metadata? _trailers;
    private TResponse? _current;
    private Task<Metadata>? _headersTask;
    private volatile bool _disposed;
    private bool _requestCompleted;
    private int _writing;
    private int _cleanedUp;

    public ClientCall(RpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _cts = options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken)
            : new CancellationTokenSource();
        _token = _cts.Token;
    }

    public TResponse Current => _current ?? throw new InvalidOperationException("call MoveNextAsync first");

    /// <summary>The response headers as metadata; built on first use, so calls that never ask pay nothing.</summary>
    public Task<Metadata> ResponseHeadersAsync => _headersTask ??= ReadHeadersAsync();

    /// <summary>Starts the call; <paramref name="request"/> is the single request of unary and server-streaming calls, null otherwise.</summary>
    public void Start(TRequest? request)
    {
        TimeSpan? timeout = null;
        if (_options.Deadline is { } deadline)
        {
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                SetFinal(new Status(StatusCode.DeadlineExceeded, "the deadline passed before the call started"), new Metadata());
                _responseTask = Task.FromException(FinalError());
                return;
            }

            timeout = remaining;
            if (remaining < TimeSpan.FromDays(30))
            {
                _cts.CancelAfter(remaining);
            }
        }

        var options = _channel.Options;
        HttpContent content = request is not null
            ? new SingleMessageContent(request, options.CompressRequests, options.MaxSendMessageBytes)
            : _requestContent = new StreamingContent();
        var message = new HttpRequestMessage(HttpMethod.Post, _channel.GetUri(_method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = message.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation("user-agent", GrpcWire.UserAgent);
        headers.TryAddWithoutValidation(GrpcWire.AcceptEncodingHeader, GrpcWire.SupportedEncodings);
        if (options.CompressRequests)
        {
            headers.TryAddWithoutValidation(GrpcWire.EncodingHeader, GrpcWire.GzipEncoding);
        }

        if (timeout is { } t)
        {
            headers.TryAddWithoutValidation(GrpcWire.TimeoutHeader, GrpcTimeout.Format(t));
        }

        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                headers.TryAddWithoutValidation(entry.Key, entry.IsBinary ? GrpcWire.EncodeBinaryHeader(entry.ValueBytes!) : entry.Value!);
            }
        }

        _abortRegistration = _token.UnsafeRegister(static state => ((ClientCall<TRequest, TResponse>)state!).OnCancelled(), this);
        _responseTask = ReceiveHeadersAsync(message);
    }

    /// <summary>Reads the single response of a unary or client-streaming call and the status after it.</summary>
    /// <param name="disposeAfter">Dispose the call when done: the caller holds no call object.</param>
    public async Task<TResponse> ReadSingleResponseAsync(bool disposeAfter = false)
    {
        try
        {
            if (!await MoveNextAsync().ConfigureAwait(false))
            {
                SetFinal(new Status(StatusCode.Internal, "the server ended the call with OK but sent no response message"), _trailers ?? new Metadata(), replaceOk: true);
                throw FinalError();
            }

            var response = _current!;
            if (await MoveNextAsync().ConfigureAwait(false))
            {
                throw Fail(new RpcException(StatusCode.Internal, "the server sent more than one response message to a single-response call"));
            }

            return response;
        }
        finally
        {
            if (disposeAfter)
            {
                Dispose();
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        await _responseTask.ConfigureAwait(false);
        if (_status is { } done)
        {
            return done.Code == StatusCode.OK ? false : throw new RpcException(done, _trailers!);
        }

        using var readCancellation = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((ClientCall<TRequest, TResponse>)state!).Cancel(), this)
            : default;
        try
        {
            var message = await _reader!.ReadAsync(_method.ResponseParser, _token).ConfigureAwait(false);
            if (message is not null)
            {
                _current = message;
                return true;
            }

            var trailing = _response!.TrailingHeaders;
            var status = ReadStatus(trailing) ?? new Status(StatusCode.Internal, "the response ended without a grpc-status");
            SetFinal(status, ReadMetadata(trailing));
            Cleanup();
            return status.Code == StatusCode.OK ? false : throw FinalError();
        }
        catch (Exception ex) when (ex is not RpcException || _status is null || _status.Value.Code != StatusCode.OK)
        {
            throw Fail(ex);
        }
    }

    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_requestContent is null)
        {
            throw new InvalidOperationException("this call has no request stream");
        }

        if (_status is { } done)
        {
            throw done.Code == StatusCode.OK
                ? new InvalidOperationException("the call has completed")
                : new RpcException(done, _trailers!);
        }

        if (_requestCompleted)
        {
            throw new InvalidOperationException("the request stream was already completed");
        }

        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("a previous write has not completed; writes must not overlap");
        }

        using var writeCancellation = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((ClientCall<TRequest, TResponse>)state!).Cancel(), this)
            : default;
        try
        {
            var stream = await _requestContent.StreamAsync.WaitAsync(_token).ConfigureAwait(false);
            var buffer = _writeBuffer ??= new PooledBufferWriter(1024);
            buffer.Clear();
            MessageWriter.Write(buffer, message, _channel.Options.CompressRequests, _channel.Options.MaxSendMessageBytes);
            await stream.WriteAsync(buffer.WrittenMemory, _token).ConfigureAwait(false);
            await stream.FlushAsync(_token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // When the server ended the call early, its status explains the failed write best.
            if (_status is { } final && final.Code != StatusCode.OK)
            {
                throw new RpcException(final, _trailers!);
            }

            throw Fail(ex);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    public Task CompleteAsync()
    {
        if (_requestContent is null)
        {
            throw new InvalidOperationException("this call has no request stream");
        }

        _requestCompleted = true;
        _requestContent.Complete();
        return Task.CompletedTask;
    }

    public Status GetStatus() =>
        _status ?? throw new InvalidOperationException("the call has not completed yet");

    public Metadata GetTrailers() =>
        _trailers ?? throw new InvalidOperationException("the call has not completed yet");

    /// <summary>Cancels the call if it is still running (the server sees the stream reset) and frees its resources.</summary>
    public void Dispose()
    {
        if (_status is null)
        {
            _disposed = true;
            SetFinal(new Status(StatusCode.Cancelled, "the call was disposed before it completed"), new Metadata());
            Cancel();
        }

        Cleanup();
        _cts.Dispose();
    }
}

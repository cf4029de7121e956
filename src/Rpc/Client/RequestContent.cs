using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace GovChain.Rpc;

/// <summary>The request body of a unary or server-streaming call: one framed message, written once.</summary>
internal sealed class SingleMessageContent : HttpContent
{
    private readonly IMessage _message;
    private readonly bool _gzip;
    private readonly int _maxMessageBytes;

    public SingleMessageContent(IMessage message, bool gzip, int maxMessageBytes)
    {
        _message = message;
        _gzip = gzip;
        _maxMessageBytes = maxMessageBytes;
        Headers.ContentType = GrpcContentType;
    }

    /// <summary>Shared by every request: headers only read it, and one instance saves an allocation per call.</summary>
    internal static MediaTypeHeaderValue GrpcContentType { get; } = new(GrpcWire.ContentType);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <summary>Below this, one exact array is cheaper than a pooled buffer plus the async machinery to return it.</summary>
    private const int SmallMessageBytes = 16 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var size = _message.CalculateSize();
        if (_gzip || size > SmallMessageBytes)
        {
            return SerializePooledAsync(stream, size, cancellationToken);
        }

        var frame = GC.AllocateUninitializedArray<byte>(GrpcWire.FrameHeaderLength + size);
        var writer = new FixedBufferWriter(frame);
        MessageWriter.Write(writer, _message, gzip: false, _maxMessageBytes);
        return stream.WriteAsync(frame, cancellationToken).AsTask();
    }

    private async Task SerializePooledAsync(Stream stream, int size, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferWriter(size + GrpcWire.FrameHeaderLength);
        MessageWriter.Write(buffer, _message, _gzip, _maxMessageBytes);
        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An <see cref="System.Buffers.IBufferWriter{T}"/> over an array that already has the exact size.</summary>
    private struct FixedBufferWriter(byte[] buffer) : System.Buffers.IBufferWriter<byte>
    {
        private int _written;

        public void Advance(int count) => _written += count;

        public readonly Memory<byte> GetMemory(int sizeHint = 0) => buffer.AsMemory(_written);

        public readonly Span<byte> GetSpan(int sizeHint = 0) => buffer.AsSpan(_written);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}

/// <summary>
/// The request body of a client-streaming or duplex call: the HTTP handler hands us its stream,
/// the call writes framed messages into it, and completing the content half-closes the stream.
/// </summary>
internal sealed class StreamingContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingContent() => Headers.ContentType = SingleMessageContent.GrpcContentType;

    public Task<Stream> StreamAsync => _stream.Task;

    public void Complete() => _complete.TrySetResult();

    public void Abort(Exception error)
    {
        _stream.TrySetException(error);
        _complete.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        try
        {
            await _complete.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The handler stopped sending (the response ended first, or the call was cancelled).
            _stream.TrySetCanceled(cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}

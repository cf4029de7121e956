using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace GovChain.Rpc;

/// <summary>
/// Reads length-prefixed gRPC messages from a pipe and parses them in place from the pipe's
/// pooled segments. The size limit is checked from the 5-byte prefix, before the body is
/// buffered, so an oversized message never occupies memory.
/// </summary>
internal sealed class MessageReader
{
    private readonly PipeReader _reader;
    private readonly int _maxMessageBytes;
    private readonly bool _gzip;
    private readonly StatusCode _parseFailureCode;

    /// <param name="gzip">The peer declared <c>grpc-encoding: gzip</c>, so compressed frames are allowed.</param>
    /// <param name="parseFailureCode">What an unparsable message means: INVALID_ARGUMENT for a request, INTERNAL for a response.</param>
    public MessageReader(PipeReader reader, int maxMessageBytes, bool gzip, StatusCode parseFailureCode)
    {
        _reader = reader;
        _maxMessageBytes = maxMessageBytes;
        _gzip = gzip;
        _parseFailureCode = parseFailureCode;
    }

    /// <summary>The next message, or null when the peer ended the stream cleanly between messages.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            T? message;
            SequencePosition consumed;
            try
            {
                message = TryParse(buffer, parser, out consumed);
            }
            catch
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                throw;
            }

            if (message is not null)
            {
                _reader.AdvanceTo(consumed);
                return message;
            }

            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.End);
                if (buffer.IsEmpty)
                {
                    return null;
                }

                throw new RpcException(StatusCode.Internal, "the stream ended in the middle of a message");
            }

            if (result.IsCanceled)
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                throw new OperationCanceledException(cancellationToken);
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads the one message of a unary side and checks that nothing follows it.</summary>
    public async ValueTask<T> ReadSingleAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var message = await ReadAsync(parser, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "expected one message, the stream ended with none");
        if (await ReadAsync(parser, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "expected one message, the stream carried more");
        }

        return message;
    }

    private T? TryParse<T>(in ReadOnlySequence<byte> buffer, MessageParser<T> parser, out SequencePosition consumed)
        where T : class, IMessage<T>
    {
        consumed = buffer.Start;
        if (buffer.Length < GrpcWire.FrameHeaderLength)
        {
            return null;
        }

        Span<byte> header = stackalloc byte[GrpcWire.FrameHeaderLength];
        buffer.Slice(0, GrpcWire.FrameHeaderLength).CopyTo(header);
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (flag > 1)
        {
            throw new RpcException(StatusCode.Internal, $"invalid message prefix: compressed flag is {flag}");
        }

        if (length > (uint)_maxMessageBytes)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"received message of {length} bytes is larger than the limit of {_maxMessageBytes} bytes");
        }

        if (buffer.Length - GrpcWire.FrameHeaderLength < length)
        {
            return null;
        }

        var payload = buffer.Slice(GrpcWire.FrameHeaderLength, length);
        consumed = payload.End;
        return flag == 1 ? ParseCompressed(payload, parser) : Parse(payload, parser);
    }

    private T Parse<T>(in ReadOnlySequence<byte> payload, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        try
        {
            return payload.IsSingleSegment ? parser.ParseFrom(payload.FirstSpan) : parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(_parseFailureCode, $"the message is not a valid {typeof(T).Name}: {ex.Message}");
        }
    }

    private T ParseCompressed<T>(in ReadOnlySequence<byte> payload, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        if (!_gzip)
        {
            throw new RpcException(StatusCode.Internal, "a message is flagged compressed but the stream's grpc-encoding is identity");
        }

        var length = (int)payload.Length;
        var compressed = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            payload.CopyTo(compressed);
            using var source = new MemoryStream(compressed, 0, length, writable: false);
            using var plain = new PooledBufferStream(length * 2, _maxMessageBytes);
            try
            {
                using var gzip = new GZipStream(source, CompressionMode.Decompress);
                gzip.CopyTo(plain);
            }
            catch (InvalidDataException ex)
            {
                throw new RpcException(StatusCode.Internal, $"could not decompress a gzip message: {ex.Message}");
            }

            try
            {
                return parser.ParseFrom(plain.WrittenSpan);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new RpcException(_parseFailureCode, $"the message is not a valid {typeof(T).Name}: {ex.Message}");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }
}

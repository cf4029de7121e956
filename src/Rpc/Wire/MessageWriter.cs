using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;

namespace GovChain.Rpc;

/// <summary>
/// Writes one length-prefixed gRPC message into a pipe's buffer. The identity path serializes
/// straight into the pipe's pooled memory: no intermediate array per message.
/// </summary>
internal static class MessageWriter
{
    public static void Write<TWriter>(TWriter output, IMessage message, bool gzip, int maxMessageBytes)
        where TWriter : IBufferWriter<byte>
    {
        var size = message.CalculateSize();
        if (size > maxMessageBytes)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"message of {size} bytes is larger than the limit of {maxMessageBytes} bytes");
        }

        if (!gzip)
        {
            var span = output.GetSpan(GrpcWire.FrameHeaderLength + size);
            span[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
            message.WriteTo(span.Slice(GrpcWire.FrameHeaderLength, size));
            output.Advance(GrpcWire.FrameHeaderLength + size);
            return;
        }

        WriteCompressed(output, message, size);
    }

    private static void WriteCompressed<TWriter>(TWriter output, IMessage message, int size)
        where TWriter : IBufferWriter<byte>
    {
        var plain = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            message.WriteTo(plain.AsSpan(0, size));
            using var compressed = new PooledBufferStream(size / 2 + 64);
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(plain, 0, size);
            }

            var body = compressed.WrittenSpan;
            var span = output.GetSpan(GrpcWire.FrameHeaderLength + body.Length);
            span[0] = 1;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)body.Length);
            body.CopyTo(span[GrpcWire.FrameHeaderLength..]);
            output.Advance(GrpcWire.FrameHeaderLength + body.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
        }
    }
}

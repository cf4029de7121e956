using System.Buffers;
using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Rpc.Tests.Echo;

namespace GovChain.Rpc.Tests.Wire;

public class MessageFramingTests
{
    [Fact]
    public void WriteThenRead_MessagesSplitAtAnyBoundaries_ParseBackInOrder()
    {
        var gen =
            from texts in Gen.ListOf(Gen.Elements("", "a", "deed 42", new string('x', 300)))
            from gzip in Gen.Elements(false, true)
            from chunk in Gen.Choose(1, 64)
            select (texts.ToArray(), gzip, chunk);
        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (texts, gzip, chunk) = input;
            var messages = texts.Select((t, i) => new EchoRequest { Text = t, Count = i, Payload = ByteString.CopyFrom(new byte[i % 7]) }).ToArray();
            var read = RoundTrip(messages, gzip, chunk).GetAwaiter().GetResult();
            Assert.Equal(messages, read);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task Read_DeclaredLengthOverLimit_FailsWithResourceExhaustedBeforeBodyArrives()
    {
        var pipe = new Pipe();
        // Only the prefix is written: the limit must be enforced from it alone.
        await pipe.Writer.WriteAsync(RawGrpcClient.Frame([], declaredLength: 1_000_001)[..5]);
        var reader = new MessageReader(pipe.Reader, 1_000_000, gzip: false, StatusCode.InvalidArgument);
        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, CancellationToken.None).AsTask());
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Read_StreamEndsInsideMessage_FailsWithInternal()
    {
        var error = await ReadBytesAsync(RawGrpcClient.Frame(new byte[10])[..9]);
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("middle of a message", error.Status.Detail);
    }

    [Fact]
    public async Task Read_CompressedFlagWithoutGzipEncoding_FailsWithInternal()
    {
        var error = await ReadBytesAsync(RawGrpcClient.Frame([1, 2, 3], flag: 1));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Read_InvalidFlag_FailsWithInternal()
    {
        var error = await ReadBytesAsync(RawGrpcClient.Frame([], flag: 7));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Read_MalformedProtobuf_FailsWithTheGivenCodeAndAReason()
    {
        var error = await ReadBytesAsync(RawGrpcClient.Frame([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("EchoRequest", error.Status.Detail);
    }

    [Fact]
    public async Task Read_GzipBombOverLimit_FailsWithResourceExhausted()
    {
        var big = new EchoRequest { Payload = ByteString.CopyFrom(new byte[200_000]) };
        var pipe = new Pipe();
        MessageWriter.Write(pipe.Writer, big, gzip: true, int.MaxValue);
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader(pipe.Reader, 100_000, gzip: true, StatusCode.InvalidArgument);
        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, CancellationToken.None).AsTask());
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public void Write_MessageOverSendLimit_FailsWithResourceExhausted()
    {
        var pipe = new Pipe();
        var error = Assert.Throws<RpcException>(() =>
            MessageWriter.Write(pipe.Writer, new EchoRequest { Text = new string('a', 100) }, gzip: false, 50));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    private static async Task<RpcException> ReadBytesAsync(byte[] bytes)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader(pipe.Reader, 1_000_000, gzip: false, StatusCode.InvalidArgument);
        return await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, CancellationToken.None).AsTask());
    }

    private static async Task<List<EchoRequest>> RoundTrip(EchoRequest[] messages, bool gzip, int chunk)
    {
        var framed = new Pipe();
        foreach (var message in messages)
        {
            MessageWriter.Write(framed.Writer, message, gzip, int.MaxValue);
        }

        await framed.Writer.FlushAsync();
        await framed.Writer.CompleteAsync();
        var all = (await framed.Reader.ReadAsync()).Buffer.ToArray();

        // Feed the bytes in small pieces, as a network would.
        var pipe = new Pipe();
        var writer = Task.Run(async () =>
        {
            for (var offset = 0; offset < all.Length; offset += chunk)
            {
                await pipe.Writer.WriteAsync(all.AsMemory(offset, Math.Min(chunk, all.Length - offset)));
            }

            await pipe.Writer.CompleteAsync();
        });
        var reader = new MessageReader(pipe.Reader, 1_000_000, gzip, StatusCode.InvalidArgument);
        var read = new List<EchoRequest>();
        while (await reader.ReadAsync(EchoRequest.Parser, CancellationToken.None) is { } message)
        {
            read.Add(message);
        }

        await writer;
        return read;
    }
}

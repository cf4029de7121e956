using System.Diagnostics;
using Google.Protobuf;
using GovChain.Interop.Tests.Proto;
using GovChain.Rpc;

namespace GovChain.Interop.Tests;

/// <summary>A grpc-js server (js/server.js) for our client; it exits when its standard input closes.</summary>
public sealed class GrpcJsServerFixture : IAsyncLifetime
{
    private Process? _process;

    public RpcChannel Channel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _process = NodeRunner.Start("server.js");
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            var error = await _process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(5));
            throw new InvalidOperationException($"the grpc-js server did not start: {line} {error}");
        }

        Channel = new RpcChannel(new Uri("http://127.0.0.1:" + line["PORT ".Length..].Trim()));
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_process is null)
        {
            return;
        }

        _process.StandardInput.Close();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

public class GrpcJsServerTests(GrpcJsServerFixture fixture) : IClassFixture<GrpcJsServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Unary_ToGrpcJs_EchoesMessageAndMetadata()
    {
        var blob = new byte[] { 0, 1, 2, 254, 255 };
        using var call = fixture.Channel.StartUnary(
            InteropMethods.Unary,
            new Request { Text = "hello grpc-js", Body = ByteString.CopyFromUtf8("deed") },
            new CallOptions(new Metadata().Add("x-agency", "finance").Add("x-blob-bin", blob)));
        var reply = await call.ResponseAsync.WaitAsync(Bound);
        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("hello grpc-js", reply.Text);
        Assert.Equal("deed", reply.Body.ToStringUtf8());
        Assert.Equal("finance", headers.GetValue("echo-x-agency"));
        Assert.Equal(blob, headers.GetBytes("echo-x-blob-bin"));
        Assert.Equal("finance", call.GetTrailers().GetValue("trailer-x-agency"));
        Assert.Equal(blob, call.GetTrailers().GetBytes("trailer-x-blob-bin"));
    }

    [Fact]
    public async Task ServerStreaming_ToGrpcJs_ReceivesAllInOrder()
    {
        using var call = fixture.Channel.ServerStreaming(InteropMethods.ServerStream, new Request { Text = "s", Count = 30 });
        var indexes = new List<int>();
        while (await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound))
        {
            indexes.Add(call.ResponseStream.Current.Index);
        }

        Assert.Equal(Enumerable.Range(0, 30), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task ClientStreaming_ToGrpcJs_AllRequestsCounted()
    {
        using var call = fixture.Channel.ClientStreaming(InteropMethods.ClientStream);
        for (var i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new Request { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync.WaitAsync(Bound);
        Assert.Equal(10, reply.Index);
        Assert.Equal("0123456789", reply.Text);
    }

    [Fact]
    public async Task Duplex_ToGrpcJs_PingPong()
    {
        using var call = fixture.Channel.DuplexStreaming(InteropMethods.Duplex);
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new Request { Text = "ping" + i });
            Assert.True(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
            Assert.Equal("ping" + i, call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task Error_FromGrpcJs_ReachesUsWithCodeAndDecodedMessage()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(InteropMethods.Unary, new Request { FailCode = 7, FailMessage = "not your parcel 100% é" }).WaitAsync(Bound));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("not your parcel 100% é", error.Status.Detail);
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessagesFromGrpcJs_ArrivesAfterThem()
    {
        using var call = fixture.Channel.ServerStreaming(InteropMethods.ServerStream, new Request { Count = 3, FailCode = 10, FailMessage = "aborted" });
        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound))
            {
                received++;
            }
        });
        Assert.Equal(3, received);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
    }

    [Fact]
    public async Task Deadline_ToGrpcJs_IsDeadlineExceeded()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(InteropMethods.Unary, new Request { DelayMs = 10_000 }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(300))).WaitAsync(Bound));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task UnknownMethod_OnGrpcJs_IsUnimplemented()
    {
        var missing = Method.Unary(InteropMethods.Service, "Missing", Request.Parser, Reply.Parser);
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Channel.UnaryAsync(missing, new Request()).WaitAsync(Bound));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task GzipRequestsAndLargeMessage_ToGrpcJs_RoundTrip()
    {
        using var channel = new RpcChannel(fixture.Channel.Address, new RpcChannelOptions { CompressRequests = true });
        var body = ByteString.CopyFrom(Enumerable.Range(0, 3 * 1024 * 1024).Select(i => (byte)(i % 251)).ToArray());
        var reply = await channel.UnaryAsync(InteropMethods.Unary, new Request { Body = body, Text = "gz" }).WaitAsync(Bound);
        Assert.Equal(body, reply.Body);
    }

    [Fact]
    public async Task Concurrent_200CallsToGrpcJs_AllSucceed()
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(i => fixture.Channel.UnaryAsync(InteropMethods.Unary, new Request { Text = "c" + i }))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => "c" + i), replies.Select(r => r.Text));
    }
}

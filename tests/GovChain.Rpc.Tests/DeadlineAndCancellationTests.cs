using GovChain.Rpc.Tests.Echo;

namespace GovChain.Rpc.Tests;

public class DeadlineAndCancellationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Unary_SlowHandlerPastDeadline_IsDeadlineExceededAndHandlerIsCancelled()
    {
        var text = "deadline-" + Guid.NewGuid();
        await WarmUpAsync();

        // The deadline leaves time for the request to reach the handler even on a loaded machine.
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = text, DelayMs = 30_000 }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(1500))).WaitAsync(Bound));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await fixture.Echo.CancellationObserved(text).WaitAsync(Bound);
    }

    [Fact]
    public async Task Server_EnforcesGrpcTimeoutOnItsOwn_WithDeadlineExceededStatus()
    {
        // A raw client that never cancels: the status must come from the server's own timer.
        var text = "server-deadline-" + Guid.NewGuid();
        var result = await RawGrpcClient.PostAsync(
            fixture.Server.Address, EchoMethods.Unary.FullName,
            RawGrpcClient.Frame(Google.Protobuf.MessageExtensions.ToByteArray(new EchoRequest { Text = text, DelayMs = 30_000 })),
            ("grpc-timeout", "200m")).WaitAsync(Bound);
        Assert.Equal("4", result.GrpcStatus);
        await fixture.Echo.CancellationObserved(text).WaitAsync(Bound);
    }

    [Fact]
    public async Task Server_DeadlineWithAClientThatNeitherReadsNorResets_ResetsTheStreamInsteadOfHanging()
    {
        var text = "stalled-" + Guid.NewGuid();
        using var handler = new SocketsHttpHandler();
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Server.Address, EchoMethods.ServerStream.FullName))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RawGrpcClient.Frame(Google.Protobuf.MessageExtensions.ToByteArray(
                new EchoRequest { Text = text, Count = 50, ReplyPayloadBytes = 256 * 1024 }))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("grpc-timeout", "300m");

        // Headers arrive, then the client reads nothing: flow control stalls the server's writes.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
        await fixture.Echo.CancellationObserved(text).WaitAsync(Bound);

        // The status cannot go out behind the stalled data: the server resets the stream (the
        // deadline cancels its blocked write, and a status stuck for seconds ends in a reset),
        // which the client sees as an error rather than a clean end or a hang.
        await Task.Delay(TimeSpan.FromSeconds(6.5));
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var reset = await Record.ExceptionAsync(async () =>
        {
            while (await body.ReadAsync(buffer).AsTask().WaitAsync(Bound) > 0)
            {
            }
        });
        Assert.True(reset is IOException or HttpRequestException, $"expected a stream reset, got {reset?.GetType().Name ?? "a clean end"}");
        await WarmUpAsync();
    }

    [Fact]
    public async Task Unary_GenerousDeadline_SucceedsAndHandlerSeesTheDeadline()
    {
        var reply = await fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "ok" }, CallOptions.WithTimeout(TimeSpan.FromSeconds(30))).WaitAsync(Bound);
        Assert.True(reply.HasDeadline);
    }

    [Fact]
    public async Task Unary_DeadlineAlreadyPassed_FailsAtOnce()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))).WaitAsync(Bound));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_DeadlineMidStream_EndsWithDeadlineExceeded()
    {
        await WarmUpAsync();
        using var call = fixture.Channel.ServerStreaming(
            EchoMethods.ServerStream, new EchoRequest { Text = "slow-stream", Count = 100, DelayMs = 100 }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(1500)));
        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound))
            {
                received++;
            }
        });
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(received, 1, 99);
    }

    [Fact]
    public async Task ServerStreaming_ClientCancels_ClientSeesCancelledAndHandlerIsCancelled()
    {
        var text = "cancel-" + Guid.NewGuid();
        using var cts = new CancellationTokenSource();
        using var call = fixture.Channel.ServerStreaming(
            EchoMethods.ServerStream, new EchoRequest { Text = text, Count = 1000, DelayMs = 50 }, new CallOptions(CancellationToken: cts.Token));
        Assert.True(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        await cts.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound))
            {
            }
        });
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await fixture.Echo.CancellationObserved(text).WaitAsync(Bound);
    }

    [Fact]
    public async Task Duplex_DisposedMidCall_HandlerIsCancelled()
    {
        var text = "dispose-" + Guid.NewGuid();
        var call = fixture.Channel.DuplexStreaming(EchoMethods.Duplex);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "first" });
        Assert.True(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        await call.RequestStream.WriteAsync(new EchoRequest { Text = text, DelayMs = 30_000 });
        await fixture.Echo.RequestStarted(text).WaitAsync(Bound);
        call.Dispose();
        await fixture.Echo.CancellationObserved(text).WaitAsync(Bound);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().Code);
    }

    [Fact]
    public async Task Server_HandlerEndsCallWithCancelled_ClientSeesCancelled()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { FailCode = (int)StatusCode.Cancelled, FailMessage = "withdrawn" }).WaitAsync(Bound));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task ClientStreaming_WriteAfterServerFailed_ReportsTheServerStatus()
    {
        using var call = fixture.Channel.ClientStreaming(EchoMethods.ClientStream);
        await call.RequestStream.WriteAsync(new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailMessage = "bad bid" });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Bound));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var writeError = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new EchoRequest()));
        Assert.Equal(StatusCode.InvalidArgument, writeError.StatusCode);
    }

    private async Task WarmUpAsync() =>
        await fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "warm-up" }).WaitAsync(Bound);
}

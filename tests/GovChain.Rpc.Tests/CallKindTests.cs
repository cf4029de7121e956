using Google.Protobuf;
using GovChain.Rpc.Tests.Echo;

namespace GovChain.Rpc.Tests;

public class CallKindTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Unary_Request_IsEchoedWithThePeerAddress()
    {
        var reply = await fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "title 17", Payload = ByteString.CopyFromUtf8("deed") }).WaitAsync(Bound);
        Assert.Equal("title 17", reply.Text);
        Assert.Equal("deed", reply.Payload.ToStringUtf8());
        Assert.StartsWith("ipv4:127.0.0.1:", reply.Peer);
        Assert.False(reply.HasDeadline);
    }

    [Fact]
    public async Task Unary_AsciiAndBinaryMetadata_ReachTheHandlerAndComeBackAsHeadersAndTrailers()
    {
        var binary = new byte[] { 0, 1, 2, 250, 255 };
        var headers = new Metadata().Add("x-department", "land-registry").Add("x-token-bin", binary);
        using var call = fixture.Channel.StartUnary(EchoMethods.Unary, new EchoRequest { Text = "meta" }, new CallOptions(headers));
        var reply = await call.ResponseAsync.WaitAsync(Bound);
        var responseHeaders = await call.ResponseHeadersAsync;
        Assert.Equal("meta", reply.Text);
        Assert.Equal("land-registry", responseHeaders.GetValue("echo-x-department"));
        Assert.Equal(binary, responseHeaders.GetBytes("echo-x-token-bin"));
        Assert.Equal("land-registry", call.GetTrailers().GetValue("trailer-x-department"));
        Assert.Equal(binary, call.GetTrailers().GetBytes("trailer-x-token-bin"));
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task ServerStreaming_CountRequested_ReceivesThatManyInOrderThenOk()
    {
        using var call = fixture.Channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest { Text = "s", Count = 50 });
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync().WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal(Enumerable.Range(0, 50), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task ServerStreaming_ZeroReplies_EndsWithOk()
    {
        using var call = fixture.Channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest { Count = 0 });
        Assert.False(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task ClientStreaming_ManyRequests_AreAllSeenByTheHandler()
    {
        using var call = fixture.Channel.ClientStreaming(EchoMethods.ClientStream);
        for (var i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync.WaitAsync(Bound);
        Assert.Equal(20, reply.Index);
        Assert.Equal(string.Concat(Enumerable.Range(0, 20)), reply.Text);
    }

    [Fact]
    public async Task ClientStreaming_NoRequests_AnswersWithEmptyAggregate()
    {
        using var call = fixture.Channel.ClientStreaming(EchoMethods.ClientStream);
        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync.WaitAsync(Bound);
        Assert.Equal(0, reply.Index);
    }

    [Fact]
    public async Task Duplex_PingPong_EachReplyArrivesBeforeTheNextRequest()
    {
        using var call = fixture.Channel.DuplexStreaming(EchoMethods.Duplex);
        for (var i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = "ping" + i });
            Assert.True(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
            Assert.Equal("ping" + i, call.ResponseStream.Current.Text);
            Assert.Equal(i, call.ResponseStream.Current.Index);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task Unary_LargeMessagesUnderDefaultLimit_RoundTrip()
    {
        var payload = ByteString.CopyFrom(Enumerable.Range(0, 3 * 1024 * 1024).Select(i => (byte)i).ToArray());
        var reply = await fixture.Channel.UnaryAsync(
            EchoMethods.Unary, new EchoRequest { Payload = payload, ReplyPayloadBytes = 3 * 1024 * 1024 + 17 }).WaitAsync(Bound);
        Assert.Equal(3 * 1024 * 1024 + 17, reply.Payload.Length);
        Assert.Equal(unchecked((byte)(100 * 7)), reply.Payload[100]);
    }

    [Fact]
    public async Task Unary_GzipRequestsAndResponses_RoundTrip()
    {
        using var channel = new RpcChannel(fixture.Server.Address, new RpcChannelOptions { CompressRequests = true });
        var text = new string('z', 10_000);
        var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = text, ReplyPayloadBytes = 50_000 }).WaitAsync(Bound);
        Assert.Equal(text, reply.Text);
        Assert.Equal(50_000, reply.Payload.Length);
    }

    [Fact]
    public async Task Unary_ThousandConcurrentCallsOnOneChannel_AllSucceed()
    {
        var calls = Enumerable.Range(0, 1000)
            .Select(i => fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "c" + i }))
            .ToArray();
        var replies = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => "c" + i), replies.Select(r => r.Text));
    }

    [Fact]
    public async Task Health_CheckAndWatch_FollowTheStatusTheNodeSets()
    {
        var health = fixture.Health;
        var overall = await fixture.Channel.UnaryAsync(Health.HealthService.CheckMethod, new Health.HealthCheckRequest()).WaitAsync(Bound);
        Assert.Equal(Health.HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);

        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(Health.HealthService.CheckMethod, new Health.HealthCheckRequest { Service = "govchain.v1.Nope" }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        using var watch = fixture.Channel.ServerStreaming(Health.HealthService.WatchMethod, new Health.HealthCheckRequest { Service = "govchain.v1.ClientApi" });
        Assert.True(await watch.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(Health.HealthCheckResponse.Types.ServingStatus.ServiceUnknown, watch.ResponseStream.Current.Status);

        health.SetStatus("govchain.v1.ClientApi", Health.HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.True(await watch.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(Health.HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);

        health.SetStatus("govchain.v1.ClientApi", Health.HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.True(await watch.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(Health.HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        var check = await fixture.Channel.UnaryAsync(Health.HealthService.CheckMethod, new Health.HealthCheckRequest { Service = "govchain.v1.ClientApi" });
        Assert.Equal(Health.HealthCheckResponse.Types.ServingStatus.Serving, check.Status);
    }
}

using System.Net;
using Google.Protobuf;
using GovChain.Rpc.Tests.Echo;

namespace GovChain.Rpc.Tests;

public class StatusTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(StatusCode.NotFound, "no parcel 12% été")]
    [InlineData(StatusCode.PermissionDenied, "")]
    [InlineData(StatusCode.FailedPrecondition, "nonce 7 expected, got 9")]
    [InlineData(StatusCode.Unauthenticated, "line\nbreak")]
    public async Task Unary_HandlerThrowsRpcException_ClientGetsExactCodeAndMessage(StatusCode code, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { FailCode = (int)code, FailMessage = message }).WaitAsync(Bound));
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task Unary_ErrorBeforeAnyMessage_IsATrailersOnlyResponse()
    {
        var result = await RawGrpcClient.PostAsync(
            fixture.Server.Address, EchoMethods.Unary.FullName,
            RawGrpcClient.Frame(new EchoRequest { FailCode = 5, FailMessage = "gone" }.ToByteArray()));
        Assert.Equal(HttpStatusCode.OK, result.HttpStatus);
        Assert.Equal("5", result.GrpcStatus);
        Assert.Equal("gone", result.GrpcMessage);
        Assert.Empty(result.Body);
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessages_ArrivesAfterThem()
    {
        using var call = fixture.Channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest { Count = 3, FailCode = (int)StatusCode.Aborted, FailMessage = "conflict" });
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
        Assert.Equal("conflict", call.GetStatus().Detail);
    }

    [Fact]
    public async Task Unary_HandlerThrowsPlainException_ClientGetsUnknownWithoutItsText()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { ThrowException = true }).WaitAsync(Bound));
        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain(EchoService.SecretDetail, error.Status.Detail);
        Assert.DoesNotContain(" at ", error.Status.Detail);
    }

    [Fact]
    public async Task Call_UnknownMethod_IsUnimplemented()
    {
        var method = Method.Unary(EchoMethods.Service, "Missing", EchoRequest.Parser, EchoReply.Parser);
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Channel.UnaryAsync(method, new EchoRequest()).WaitAsync(Bound));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("Missing", error.Status.Detail);
    }

    [Fact]
    public async Task Call_UnknownService_IsUnimplemented()
    {
        var method = Method.ServerStreaming("govchain.v1.Nothing", "Here", EchoRequest.Parser, EchoReply.Parser);
        using var call = fixture.Channel.ServerStreaming(method, new EchoRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("govchain.v1.Nothing", error.Status.Detail);
    }

    [Fact]
    public async Task Request_MalformedProtobuf_IsInvalidArgumentAndServerStaysUp()
    {
        var result = await RawGrpcClient.PostAsync(
            fixture.Server.Address, EchoMethods.Unary.FullName, RawGrpcClient.Frame([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]));
        Assert.Equal("3", result.GrpcStatus);
        Assert.Contains("EchoRequest", result.GrpcMessage);
        await AssertServerAnswersAsync();
    }

    [Fact]
    public async Task Request_TruncatedFrame_IsInternalAndServerStaysUp()
    {
        var result = await RawGrpcClient.PostAsync(
            fixture.Server.Address, EchoMethods.Unary.FullName, RawGrpcClient.Frame([1, 2, 3], declaredLength: 100));
        Assert.Equal("13", result.GrpcStatus);
        await AssertServerAnswersAsync();
    }

    [Fact]
    public async Task Request_UnaryWithTwoMessages_IsInternal()
    {
        var frame = RawGrpcClient.Frame(new EchoRequest { Text = "a" }.ToByteArray());
        var result = await RawGrpcClient.PostAsync(fixture.Server.Address, EchoMethods.Unary.FullName, [.. frame, .. frame]);
        Assert.Equal("13", result.GrpcStatus);
    }

    [Fact]
    public async Task Request_UnsupportedEncoding_IsUnimplementedAndListsWhatIsSupported()
    {
        var result = await RawGrpcClient.PostAsync(
            fixture.Server.Address, EchoMethods.Unary.FullName,
            RawGrpcClient.Frame([1, 2, 3], flag: 1), ("grpc-encoding", "snappy"));
        Assert.Equal("12", result.GrpcStatus);
        Assert.Contains("snappy", result.GrpcMessage);
    }

    [Fact]
    public async Task Request_ContentTypeGrpcProto_IsServed()
    {
        var result = await RawGrpcClient.PostAsync(
            fixture.Server.Address, EchoMethods.Unary.FullName,
            RawGrpcClient.Frame(new EchoRequest { Text = "proto" }.ToByteArray()), ("content-type", "application/grpc+proto"));
        Assert.Equal("0", result.GrpcStatus);
        Assert.Equal("proto", EchoReply.Parser.ParseFrom(result.Body.AsSpan(5)).Text);
    }

    [Fact]
    public async Task Request_UnknownCodecSubtype_IsUnsupportedMediaType()
    {
        var result = await RawGrpcClient.PostAsync(
            fixture.Server.Address, EchoMethods.Unary.FullName, RawGrpcClient.Frame([]), ("content-type", "application/grpc+json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, result.HttpStatus);
    }

    [Fact]
    public async Task Request_MalformedTimeout_IsRejected()
    {
        var result = await RawGrpcClient.PostAsync(
            fixture.Server.Address, EchoMethods.Unary.FullName, RawGrpcClient.Frame([]), ("grpc-timeout", "soon"));
        Assert.Equal("13", result.GrpcStatus);
    }

    [Fact]
    public async Task Request_OverServerLimit_IsResourceExhausted()
    {
        await using var server = new RpcServer(new RpcServerOptions { MaxReceiveMessageBytes = 64 * 1024 }).AddService(fixture.Echo.Definition);
        await server.StartAsync();
        using var channel = new RpcChannel(server.Address);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[65 * 1024]) }).WaitAsync(Bound));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        var fine = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "small" }).WaitAsync(Bound);
        Assert.Equal("small", fine.Text);
    }

    [Fact]
    public async Task Response_OverClientLimit_IsResourceExhausted()
    {
        using var channel = new RpcChannel(fixture.Server.Address, new RpcChannelOptions { MaxReceiveMessageBytes = 10_000 });
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { ReplyPayloadBytes = 20_000 }).WaitAsync(Bound));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Request_OverClientSendLimit_FailsWithoutReachingTheServer()
    {
        using var channel = new RpcChannel(fixture.Server.Address, new RpcChannelOptions { MaxSendMessageBytes = 1000 });
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) }).WaitAsync(Bound));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Call_NoServerListening_IsUnavailable()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var channel = new RpcChannel(new Uri($"http://127.0.0.1:{port}"));
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).WaitAsync(Bound));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    private async Task AssertServerAnswersAsync()
    {
        var reply = await fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "still up" }).WaitAsync(Bound);
        Assert.Equal("still up", reply.Text);
    }
}

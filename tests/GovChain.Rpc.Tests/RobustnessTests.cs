using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Rpc.Tests.Echo;

namespace GovChain.Rpc.Tests;

/// <summary>Whatever a peer sends, the other side answers with a status and keeps working.</summary>
public class RobustnessTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Server_AnyRequestBody_AnswersWithAGrpcStatusAndStaysUp()
    {
        var bodies =
            from kind in Gen.Choose(0, 3)
            from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
            from declared in Gen.Choose(0, 10_000_000)
            select kind switch
            {
                0 => bytes,                                                       // raw garbage
                1 => RawGrpcClient.Frame(bytes),                                  // well framed, random protobuf
                2 => RawGrpcClient.Frame(bytes, declaredLength: (uint)declared),  // lying length
                _ => RawGrpcClient.Frame(bytes, flag: (byte)(bytes.Length % 3)),  // odd flags
            };
        var property = Prop.ForAll(bodies.ToArbitrary(), body =>
        {
            var result = RawGrpcClient.PostAsync(fixture.Server.Address, EchoMethods.Unary.FullName, body)
                .WaitAsync(Bound).GetAwaiter().GetResult();
            Assert.Equal(HttpStatusCode.OK, result.HttpStatus);
            Assert.True(int.TryParse(result.GrpcStatus, out var code), $"no grpc-status for {Convert.ToHexString(body)}");
            Assert.InRange(code, 0, 16);
        });
        await Task.Run(() => property.Check(Config.QuickThrowOnFailure.WithMaxTest(60)));

        var reply = await fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "alive" }).WaitAsync(Bound);
        Assert.Equal("alive", reply.Text);
    }

    [Fact]
    public async Task Client_OkWithoutResponseMessage_IsInternal()
    {
        // The streaming method answers with no message; called as unary that is a broken response.
        var asUnary = Method.Unary(EchoMethods.Service, "ServerStream", EchoRequest.Parser, EchoReply.Parser);
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Channel.UnaryAsync(asUnary, new EchoRequest { Count = 0 }).WaitAsync(Bound));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("no response message", error.Status.Detail);
    }

    [Fact]
    public async Task Client_TwoResponsesToUnary_IsInternal()
    {
        var asUnary = Method.Unary(EchoMethods.Service, "ServerStream", EchoRequest.Parser, EchoReply.Parser);
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Channel.UnaryAsync(asUnary, new EchoRequest { Count = 2 }).WaitAsync(Bound));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("more than one", error.Status.Detail);
    }

    [Fact]
    public async Task Client_UnparsableResponse_IsInternalWithAReason()
    {
        // Read as a ListValue, the reply's text field becomes a nested Value whose inner field is truncated.
        var wrongType = Method.Unary(EchoMethods.Service, "Unary", EchoRequest.Parser, Google.Protobuf.WellKnownTypes.ListValue.Parser);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync(wrongType, new EchoRequest { Text = "\n\u0005ab" }).WaitAsync(Bound));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("ListValue", error.Status.Detail);
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public void FromHttpStatus_FollowsTheGrpcMapping(int http, StatusCode expected) =>
        Assert.Equal(expected, GrpcWire.FromHttpStatus((HttpStatusCode)http));

    [Fact]
    public async Task Server_NonGrpcRequestWithoutRoutes_Is404AndGrpcStillWorks()
    {
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var response = await client.GetAsync(new Uri(fixture.Server.Address, "/metrics")).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var reply = await fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "grpc" }).WaitAsync(Bound);
        Assert.Equal("grpc", reply.Text);
    }
}

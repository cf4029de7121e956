using System.Net;
using Google.Protobuf;
using GovChain.Rpc.Tests.Echo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GovChain.Rpc.Tests;

public class ServerHostingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task MapRoutes_PlainGetEndpoints_AreServedOverH2cAndHttp1BesideGrpc()
    {
        await using var server = new RpcServer(new RpcServerOptions
        {
            Http1Port = 0,
            MapRoutes = routes =>
            {
                routes.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"));
                routes.MapGet("/metrics", () => Results.Text("govchain_height 42\n", "text/plain"));
            },
        }).AddService(new EchoService().Definition);
        await server.StartAsync();
        Assert.NotEqual(server.Port, server.Http1Port);

        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        Assert.Equal("ok\n", await h2.GetStringAsync(new Uri(server.Address, "/healthz")).WaitAsync(Bound));

        using var http1 = new HttpClient();
        var metrics = await http1.GetAsync(new Uri($"http://127.0.0.1:{server.Http1Port}/metrics")).WaitAsync(Bound);
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.Equal("govchain_height 42\n", await metrics.Content.ReadAsStringAsync());

        var notFound = await http1.GetAsync(new Uri($"http://127.0.0.1:{server.Http1Port}/nothing")).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);

        using var channel = new RpcChannel(server.Address);
        Assert.Equal("rpc", (await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "rpc" }).WaitAsync(Bound)).Text);
    }

    [Fact]
    public async Task Grpc_OverHttp1_IsRefusedWithUpgradeRequired()
    {
        await using var server = new RpcServer(new RpcServerOptions { Http1Port = 0 }).AddService(new EchoService().Definition);
        await server.StartAsync();
        using var http1 = new HttpClient();
        using var content = new ByteArrayContent(RawGrpcClient.Frame(new EchoRequest().ToByteArray()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        var response = await http1.PostAsync(new Uri($"http://127.0.0.1:{server.Http1Port}{EchoMethods.Unary.FullName}"), content).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Fact]
    public async Task Stop_EndsLongStreamsAndLaterCallsAreUnavailable()
    {
        var echo = new EchoService();
        var server = new RpcServer(new RpcServerOptions()).AddService(echo.Definition);
        await server.StartAsync();
        using var channel = new RpcChannel(server.Address);
        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest { Text = "long", Count = 1000, DelayMs = 200 });
        Assert.True(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));

        await server.StopAsync().WaitAsync(Bound);
        await echo.CancellationObserved("long").WaitAsync(Bound);
        var streamError = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, streamError.StatusCode);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).WaitAsync(Bound));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Garbage_OnTheSocket_DoesNotHurtTheServer()
    {
        await using var server = new RpcServer(new RpcServerOptions()).AddService(new EchoService().Definition);
        await server.StartAsync();
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(Bound);
            var stream = socket.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\x04\x01\xff\xff\xff\xff garbage frames"));
            var buffer = new byte[256];
            try
            {
                while (await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound) > 0)
                {
                }
            }
            catch (IOException)
            {
                // The server may reset the connection: that is the expected outcome.
            }
        }

        using var channel = new RpcChannel(server.Address);
        Assert.Equal("fine", (await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "fine" }).WaitAsync(Bound)).Text);
    }

    [Fact]
    public void ServiceBuilder_MethodOfAnotherKind_IsRejected() =>
        Assert.Throws<ArgumentException>(() => ServiceDefinition.CreateBuilder()
            .AddUnary(EchoMethods.ServerStream, (_, _) => Task.FromResult(new EchoReply())));

    [Fact]
    public async Task Server_SameMethodTwice_IsRejectedAtStart()
    {
        await using var server = new RpcServer(new RpcServerOptions())
            .AddService(new EchoService().Definition)
            .AddService(new EchoService().Definition);
        await Assert.ThrowsAsync<ArgumentException>(() => server.StartAsync());
    }

    [Fact]
    public async Task KeepAlivePings_BothWaysOnAnIdleStream_KeepTheCallWorking()
    {
        await using var server = new RpcServer(new RpcServerOptions
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
        }).AddService(new EchoService().Definition);
        await server.StartAsync();
        using var channel = new RpcChannel(server.Address, new RpcChannelOptions
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
        });
        using var call = channel.DuplexStreaming(EchoMethods.Duplex);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "before" });
        Assert.True(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));

        // Idle long enough for several pings from each side.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "after" });
        Assert.True(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal("after", call.ResponseStream.Current.Text);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNextAsync().AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task Start_PortAlreadyInUse_FailsCleanlyAndCanBeDisposed()
    {
        await using var first = new RpcServer(new RpcServerOptions()).AddService(new EchoService().Definition);
        await first.StartAsync();
        var second = new RpcServer(new RpcServerOptions { Port = first.Port }).AddService(new EchoService().Definition);
        await Assert.ThrowsAnyAsync<IOException>(() => second.StartAsync());
        await second.DisposeAsync();

        using var channel = new RpcChannel(first.Address);
        Assert.Equal("first", (await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "first" }).WaitAsync(Bound)).Text);
    }
}

using System.Net;
using System.Net.Sockets;
using GovChain.Rpc.Tests.Echo;

namespace GovChain.Rpc.Tests;

/// <summary>
/// Per-client shares: one client address over its share is refused with RESOURCE_EXHAUSTED
/// while another address is still served; slow connections are cut by the server's timeouts.
/// Clients take distinct loopback addresses (all of 127.0.0.0/8 is loopback on Linux).
/// </summary>
public sealed class ClientLimitsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly IPAddress Hostile = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress Polite = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task ClientHoldingItsShareOfCalls_IsRefusedMore_WhileAnotherAddressIsServed()
    {
        var echo = new EchoService();
        await using var server = await StartAsync(echo, new ClientLimits { MaxConcurrentCallsPerClient = 4 });
        using var hostile = Channel(server, Hostile);
        using var polite = Channel(server, Polite);
        using var stop = new CancellationTokenSource(Bound);

        var held = new List<DuplexStreamingCall<EchoRequest, EchoReply>>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var call = hostile.DuplexStreaming(EchoMethods.Duplex, new CallOptions(CancellationToken: stop.Token));
                held.Add(call);
                await call.RequestStream.WriteAsync(new EchoRequest { Text = $"hold-{i}", DelayMs = 600_000 });
                await echo.RequestStarted($"hold-{i}").WaitAsync(Bound);
            }

            var refused = await Assert.ThrowsAsync<RpcException>(() => hostile.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "one more" }));
            var served = await polite.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "served" }).WaitAsync(Bound);

            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("calls in progress", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Equal("concurrent-calls", refused.Trailers.GetValue("govchain-limit"));
            Assert.Equal("served", served.Text);
        }
        finally
        {
            await stop.CancelAsync();
            held.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task ClientOverItsRate_IsRefusedWithTheLimitNamed_WhileAnotherAddressIsServed()
    {
        await using var server = await StartAsync(new EchoService(), new ClientLimits { RequestsPerSecondPerClient = 1, RequestBurstPerClient = 2 });
        using var hostile = Channel(server, Hostile);
        using var polite = Channel(server, Polite);

        RpcException? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            try
            {
                await hostile.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "flood" }).WaitAsync(Bound);
            }
            catch (RpcException ex)
            {
                refused = ex;
            }
        }

        var served = await polite.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "served" }).WaitAsync(Bound);

        Assert.NotNull(refused);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("requests-per-second", refused.Trailers.GetValue("govchain-limit"));
        Assert.Equal("served", served.Text);
    }

    [Fact]
    public async Task ClientOverItsShareOfConnections_IsClosed_WhileAnotherAddressConnects()
    {
        await using var server = await StartAsync(new EchoService(), new ClientLimits { MaxConnectionsPerClient = 1 });
        using var first = await RawConnectAsync(server, Hostile);
        await first.GetStream().WriteAsync(Http2Preface.AsMemory());
        await first.GetStream().WriteAsync(EmptySettingsFrame.AsMemory());
        await ReadSomeAsync(first.GetStream()); // the server's SETTINGS: the first connection is counted

        using var second = await RawConnectAsync(server, Hostile);
        var closed = await IsClosedByServerAsync(second, dribble: null);
        using var polite = Channel(server, Polite);
        var served = await polite.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "served" }).WaitAsync(Bound);

        Assert.True(closed);
        Assert.Equal("served", served.Text);
    }

    [Fact]
    public async Task Slowloris_DribblingARequestBody_IsCutByTheMinimumDataRate()
    {
        await using var server = await StartAsync(new EchoService(), new ClientLimits { MinRequestBodyBytesPerSecond = 100, DataRateGracePeriod = TimeSpan.FromSeconds(2) });
        using var handler = new SocketsHttpHandler { ConnectCallback = (context, ct) => ConnectFromAsync(Hostile, context.DnsEndPoint, ct) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };

        // A 5-byte gRPC frame header announcing 200 bytes, then two bytes a second: 100 s if let be.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "/" + EchoMethods.Service + "/Unary"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new DribbleContent([0, 0, 0, 0, 200, .. new byte[200]]),
        };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var bound = new CancellationTokenSource(Bound);

        var cut = false;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bound.Token);
            await response.Content.ReadAsByteArrayAsync(bound.Token);
            cut = !bound.IsCancellationRequested && response.TrailingHeaders.TryGetValues("grpc-status", out var status) && status.Single() != "0";
        }
        catch (HttpRequestException)
        {
            cut = true;
        }
        catch (IOException)
        {
            cut = true;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
        }

        Assert.True(cut, "the dribbling request was served to the end instead of being cut");
    }

    [Fact]
    public async Task Slowloris_HeadersNeverCompleted_IsDisconnected()
    {
        await using var server = await StartAsync(new EchoService(), new ClientLimits
        {
            RequestHeadersTimeout = TimeSpan.FromSeconds(1),
            KeepAliveTimeout = TimeSpan.FromSeconds(2),
        });
        using var client = await RawConnectAsync(server, Hostile);
        var stream = client.GetStream();
        await stream.WriteAsync(Http2Preface.AsMemory());
        await stream.WriteAsync(EmptySettingsFrame.AsMemory());

        // A HEADERS frame on stream 1 without END_HEADERS: the server waits for a CONTINUATION that never comes.
        byte[] block = [0x83, 0x86]; // :method POST... enough to start a header block (HPACK indexed fields)
        byte[] headers = [0, 0, (byte)block.Length, 0x1, 0x0, 0, 0, 0, 1, .. block];
        await stream.WriteAsync(headers.AsMemory());

        var closed = await IsClosedByServerAsync(client, dribble: null);

        Assert.True(closed);
    }

    private static readonly byte[] Http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    private static readonly byte[] EmptySettingsFrame = [0, 0, 0, 0x4, 0, 0, 0, 0, 0];

    private static async Task<RpcServer> StartAsync(EchoService echo, ClientLimits limits)
    {
        var server = new RpcServer(new RpcServerOptions { ClientLimits = limits }).AddService(echo.Definition);
        await server.StartAsync();
        return server;
    }

    private static RpcChannel Channel(RpcServer server, IPAddress from) => new(server.Address, new RpcChannelOptions { LocalAddress = from });

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress local, DnsEndPoint remote, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(local, 0));
        await socket.ConnectAsync(remote, cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>A request body sent two bytes a second.</summary>
    private sealed class DribbleContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            for (var i = 0; i < body.Length; i++)
            {
                await stream.WriteAsync(body.AsMemory(i, 1), cancellationToken);
                await stream.FlushAsync(cancellationToken);
                await Task.Delay(500, cancellationToken);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static async Task<TcpClient> RawConnectAsync(RpcServer server, IPAddress from)
    {
        var client = new TcpClient(new IPEndPoint(from, 0));
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        return client;
    }

    private static async Task ReadSomeAsync(NetworkStream stream)
    {
        var buffer = new byte[256];
        using var bound = new CancellationTokenSource(Bound);
        Assert.True(await stream.ReadAsync(buffer, bound.Token) > 0);
    }

    /// <summary>
    /// Reads (and discards) what the server sends, optionally dribbling bytes to it, until the
    /// server closes the connection (true) or the test's bound passes (false).
    /// </summary>
    private static async Task<bool> IsClosedByServerAsync(TcpClient client, byte[]? dribble)
    {
        var stream = client.GetStream();
        using var bound = new CancellationTokenSource(Bound);
        var dribbling = dribble is null ? Task.CompletedTask : Task.Run(async () =>
        {
            try
            {
                for (var i = 0; !bound.IsCancellationRequested; i++)
                {
                    await stream.WriteAsync(dribble.AsMemory(i % dribble.Length, 1), bound.Token);
                    await Task.Delay(500, bound.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server closed the connection (or the bound passed): the reader decides which.
            }
        });
        var buffer = new byte[4096];
        var closed = false;
        try
        {
            while (await stream.ReadAsync(buffer, bound.Token) > 0)
            {
            }

            closed = true;
        }
        catch (IOException)
        {
            closed = true;
        }
        catch (OperationCanceledException)
        {
        }

        await bound.CancelAsync();
        await dribbling;
        return closed;
    }
}

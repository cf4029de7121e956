using System.Diagnostics;
using Google.Protobuf;
using GovChain.Interop.Tests.Proto;
using Grpc.Core;
using Grpc.Net.Client;

namespace GovChain.Interop.Tests;

/// <summary>A grpc-js server (js/server.js) for our client; it exits when its standard input closes.</summary>
public sealed class GrpcJsServerFixture : IAsyncLifetime
{
    private Process? _process;

    public Uri Address { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public Proto.Interop.InteropClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _process = NodeRunner.Start("server.js");
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            var error = await _process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(5));
            throw new InvalidOperationException($"the grpc-js server did not start: {line} {error}");
        }

        Address = new Uri("http://127.0.0.1:" + line["PORT ".Length..].Trim());
        Channel = OpenChannel(Address);
        Client = new Proto.Interop.InteropClient(Channel);
    }

    /// <summary>A plaintext (h2c) channel; messages up to 8 MiB each way, as the grpc-js server allows.</summary>
    public static GrpcChannel OpenChannel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 8 * 1024 * 1024,
        MaxSendMessageSize = 8 * 1024 * 1024,
    });

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

    private Proto.Interop.InteropClient Client => fixture.Client;

    [Fact]
    public async Task Unary_ToGrpcJs_EchoesMessageAndMetadata()
    {
        var blob = new byte[] { 0, 1, 2, 254, 255 };
        using var call = Client.UnaryAsync(
            new Request { Text = "hello grpc-js", Body = ByteString.CopyFromUtf8("deed") },
            new Metadata { { "x-agency", "finance" }, { "x-blob-bin", blob } });
        var reply = await call.ResponseAsync.WaitAsync(Bound);
        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("hello grpc-js", reply.Text);
        Assert.Equal("deed", reply.Body.ToStringUtf8());
        Assert.Equal("finance", headers.GetValue("echo-x-agency"));
        Assert.Equal(blob, headers.GetValueBytes("echo-x-blob-bin"));
        Assert.Equal("finance", call.GetTrailers().GetValue("trailer-x-agency"));
        Assert.Equal(blob, call.GetTrailers().GetValueBytes("trailer-x-blob-bin"));
    }

    [Fact]
    public async Task ServerStreaming_ToGrpcJs_ReceivesAllInOrder()
    {
        using var call = Client.ServerStream(new Request { Text = "s", Count = 30 });
        var indexes = new List<int>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound))
        {
            indexes.Add(call.ResponseStream.Current.Index);
        }

        Assert.Equal(Enumerable.Range(0, 30), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStreaming_ToGrpcJs_AllRequestsCounted()
    {
        using var call = Client.ClientStream();
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
        using var call = Client.Duplex();
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new Request { Text = "ping" + i });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound));
            Assert.Equal("ping" + i, call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task Error_FromGrpcJs_ReachesUsWithCodeAndDecodedMessage()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync(new Request { FailCode = 7, FailMessage = "not your parcel 100% é" }).ResponseAsync.WaitAsync(Bound));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("not your parcel 100% é", error.Status.Detail);
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessagesFromGrpcJs_ArrivesAfterThem()
    {
        using var call = Client.ServerStream(new Request { Count = 3, FailCode = 10, FailMessage = "aborted" });
        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound))
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
            Client.UnaryAsync(new Request { DelayMs = 10_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync.WaitAsync(Bound));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task UnknownMethod_OnGrpcJs_IsUnimplemented()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.CreateCallInvoker().AsyncUnaryCall(InteropMethods.Missing, null, default, new Request()).ResponseAsync.WaitAsync(Bound));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task GzipRequestsAndLargeMessage_ToGrpcJs_RoundTrip()
    {
        var sent = new RequestEncodings(new SocketsHttpHandler());
        using var channel = GrpcChannel.ForAddress(fixture.Address, new GrpcChannelOptions
        {
            HttpHandler = sent,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 8 * 1024 * 1024,
        });

        // Grpc.Net.Client compresses a call's request messages when the call names an encoding
        // in this header (the header itself is not sent); gzip is among its default providers.
        var gzip = new Metadata { { "grpc-internal-encoding-request", "gzip" } };
        var body = ByteString.CopyFrom(Enumerable.Range(0, 3 * 1024 * 1024).Select(i => (byte)(i % 251)).ToArray());
        var reply = await new Proto.Interop.InteropClient(channel).UnaryAsync(new Request { Body = body, Text = "gz" }, gzip).ResponseAsync.WaitAsync(Bound);
        Assert.Equal(body, reply.Body);
        Assert.Equal(["gzip"], sent.Encodings);
    }

    [Fact]
    public async Task Concurrent_200CallsToGrpcJs_AllSucceed()
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(i => Client.UnaryAsync(new Request { Text = "c" + i }).ResponseAsync)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => "c" + i), replies.Select(r => r.Text));
    }
}

/// <summary>Records the <c>grpc-encoding</c> of each request a channel sends, to show its messages were compressed.</summary>
internal sealed class RequestEncodings(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _encodings = new();

    public IReadOnlyCollection<string> Encodings => _encodings;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _encodings.Enqueue(request.Headers.TryGetValues("grpc-encoding", out var values) ? string.Join(',', values) : "identity");
        return base.SendAsync(request, cancellationToken);
    }
}

using System.Collections.Concurrent;
using System.Text;
using Google.Protobuf;
using GovChain.Rpc.Tests.Echo;

namespace GovChain.Rpc.Tests;

/// <summary>Method descriptors of the test service: one line each.</summary>
public static class EchoMethods
{
    public const string Service = "govchain.test.Echo";

    public static readonly Method<EchoRequest, EchoReply> Unary = Method.Unary(Service, "Unary", EchoRequest.Parser, EchoReply.Parser);
    public static readonly Method<EchoRequest, EchoReply> ServerStream = Method.ServerStreaming(Service, "ServerStream", EchoRequest.Parser, EchoReply.Parser);
    public static readonly Method<EchoRequest, EchoReply> ClientStream = Method.ClientStreaming(Service, "ClientStream", EchoRequest.Parser, EchoReply.Parser);
    public static readonly Method<EchoRequest, EchoReply> Duplex = Method.DuplexStreaming(Service, "Duplex", EchoRequest.Parser, EchoReply.Parser);
}

/// <summary>
/// The test implementation. Request metadata is echoed as response headers (prefixed "echo-")
/// and trailers (prefixed "trailer-"); a cancelled handler reports it through <see cref="Cancelled"/>.
/// </summary>
public sealed class EchoService
{
    public const string SecretDetail = "secret-internal-detail";

    /// <summary>Completed with the request text of a handler that saw its cancellation token fire.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Cancelled { get; } = new();

    public ServiceDefinition Definition => ServiceDefinition.CreateBuilder()
        .AddUnary(EchoMethods.Unary, UnaryAsync)
        .AddServerStreaming(EchoMethods.ServerStream, ServerStreamAsync)
        .AddClientStreaming(EchoMethods.ClientStream, ClientStreamAsync)
        .AddDuplexStreaming(EchoMethods.Duplex, DuplexAsync)
        .Build();

    public Task CancellationObserved(string text) => Probe(text).Task;

    /// <summary>Completes when the duplex handler has read a request with this text.</summary>
    public Task RequestStarted(string text) => Probe("started:" + text).Task;

    private TaskCompletionSource Probe(string text) =>
        Cancelled.GetOrAdd(text, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task<EchoReply> UnaryAsync(EchoRequest request, ServerCallContext context)
    {
        EchoMetadata(context);
        await DelayAsync(request, context);
        FailIfAsked(request);
        return Reply(request, context, 0);
    }

    private async Task ServerStreamAsync(EchoRequest request, IAsyncStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        EchoMetadata(context);
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                await DelayAsync(request, context);
                await responses.WriteAsync(Reply(request, context, i));
            }
        }
        catch (OperationCanceledException)
        {
            // Cancellation may surface in a write as well as in the delay.
            Probe(request.Text).TrySetResult();
            throw;
        }

        FailIfAsked(request);
    }

    private async Task<EchoReply> ClientStreamAsync(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context)
    {
        EchoMetadata(context);
        var text = new StringBuilder();
        var count = 0;
        EchoRequest? last = null;
        await foreach (var request in requests.ReadAllAsync())
        {
            text.Append(request.Text);
            count++;
            last = request;
            FailIfAsked(request);
        }

        return new EchoReply { Text = text.ToString(), Index = count, Payload = last?.Payload ?? ByteString.Empty };
    }

    private async Task DuplexAsync(IAsyncStreamReader<EchoRequest> requests, IAsyncStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        EchoMetadata(context);
        var index = 0;
        while (await requests.MoveNextAsync())
        {
            var request = requests.Current;
            Probe("started:" + request.Text).TrySetResult();
            await DelayAsync(request, context);
            FailIfAsked(request);
            await responses.WriteAsync(Reply(request, context, index++));
        }
    }

    private static EchoReply Reply(EchoRequest request, ServerCallContext context, int index)
    {
        var payload = request.ReplyPayloadBytes > 0
            ? ByteString.CopyFrom(Enumerable.Range(0, request.ReplyPayloadBytes).Select(i => (byte)(i * 7)).ToArray())
            : request.Payload;
        return new EchoReply
        {
            Text = request.Text,
            Payload = payload,
            Index = index,
            Peer = context.Peer,
            ClientCertificateThumbprint = context.ClientCertificate?.Thumbprint ?? string.Empty,
            HasDeadline = context.Deadline is not null,
        };
    }

    private static void EchoMetadata(ServerCallContext context)
    {
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.Key.StartsWith("x-", StringComparison.Ordinal))
            {
                continue;
            }

            if (entry.IsBinary)
            {
                context.ResponseHeaders.Add("echo-" + entry.Key, entry.ValueBytes!);
                context.ResponseTrailers.Add("trailer-" + entry.Key, entry.ValueBytes!);
            }
            else
            {
                context.ResponseHeaders.Add("echo-" + entry.Key, entry.Value!);
                context.ResponseTrailers.Add("trailer-" + entry.Key, entry.Value!);
            }
        }
    }

    private async Task DelayAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs <= 0)
        {
            return;
        }

        try
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Probe(request.Text).TrySetResult();
            throw;
        }
    }

    private static void FailIfAsked(EchoRequest request)
    {
        if (request.ThrowException)
        {
            throw new InvalidOperationException(SecretDetail);
        }

        if (request.FailCode != 0)
        {
            throw new RpcException((StatusCode)request.FailCode, request.FailMessage);
        }
    }
}

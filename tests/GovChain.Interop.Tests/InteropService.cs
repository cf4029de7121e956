using System.Collections.Concurrent;
using System.Text;
using Google.Protobuf;
using GovChain.Interop.Tests.Proto;
using Grpc.Core;

namespace GovChain.Interop.Tests;

/// <summary>Method descriptors beside the generated ones, for calls the generated client cannot make.</summary>
public static class InteropMethods
{
    public const string Service = "govchain.interop.Interop";

    /// <summary>A method the service does not have, called with the service's own message types.</summary>
    public static readonly Method<Request, Reply> Missing = new(
        MethodType.Unary, Service, "Missing", Marshal(Request.Parser), Marshal(Reply.Parser));

    private static Marshaller<T> Marshal<T>(MessageParser<T> parser)
        where T : IMessage<T> => Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
}

/// <summary>Our implementation of the interop service on Grpc.AspNetCore; behaves like js/server.js.</summary>
public sealed class InteropService : Proto.Interop.InteropBase
{
    public ConcurrentDictionary<string, TaskCompletionSource> Cancelled { get; } = new();

    public Task CancellationObserved(string text) => Probe(text).Task;

    private TaskCompletionSource Probe(string text) =>
        Cancelled.GetOrAdd(text, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public override async Task<Reply> Unary(Request request, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        await DelayAsync(request, context);
        FailIfAsked(request);
        return new Reply { Text = request.Text, Body = request.Body };
    }

    public override async Task ServerStream(Request request, IServerStreamWriter<Reply> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                await responseStream.WriteAsync(new Reply { Text = request.Text, Index = i }, context.CancellationToken);
                await DelayAsync(request, context);
            }
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested)
        {
            // Cancellation may surface in a write as well as in the delay, and Grpc.AspNetCore
            // reports a write to a call already cancelled as InvalidOperationException.
            Probe(request.Text).TrySetResult();
            throw;
        }

        FailIfAsked(request);
    }

    public override async Task<Reply> ClientStream(IAsyncStreamReader<Request> requestStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        var text = new StringBuilder();
        var count = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            FailIfAsked(request);
            text.Append(request.Text);
            count++;
        }

        return new Reply { Text = text.ToString(), Index = count };
    }

    public override async Task Duplex(IAsyncStreamReader<Request> requestStream, IServerStreamWriter<Reply> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            FailIfAsked(request);
            await responseStream.WriteAsync(new Reply { Text = request.Text, Index = index++, Body = request.Body }, context.CancellationToken);
        }
    }

    /// <summary>Sends every <c>x-</c> request header back as an <c>echo-</c> response header now and as a <c>trailer-</c> trailer at the end.</summary>
    private static Task EchoMetadataAsync(ServerCallContext context)
    {
        var headers = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.Key.StartsWith("x-", StringComparison.Ordinal))
            {
                continue;
            }

            if (entry.IsBinary)
            {
                headers.Add("echo-" + entry.Key, entry.ValueBytes);
                context.ResponseTrailers.Add("trailer-" + entry.Key, entry.ValueBytes);
            }
            else
            {
                headers.Add("echo-" + entry.Key, entry.Value);
                context.ResponseTrailers.Add("trailer-" + entry.Key, entry.Value);
            }
        }

        return context.WriteResponseHeadersAsync(headers);
    }

    private async Task DelayAsync(Request request, ServerCallContext context)
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

    private static void FailIfAsked(Request request)
    {
        if (request.FailCode != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
        }
    }
}

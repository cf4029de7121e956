using System.Collections.Concurrent;
using System.Text;
using GovChain.Interop.Tests.Proto;
using GovChain.Rpc;

namespace GovChain.Interop.Tests;

public static class InteropMethods
{
    public const string Service = "govchain.interop.Interop";

    public static readonly Method<Request, Reply> Unary = Method.Unary(Service, "Unary", Request.Parser, Reply.Parser);
    public static readonly Method<Request, Reply> ServerStream = Method.ServerStreaming(Service, "ServerStream", Request.Parser, Reply.Parser);
    public static readonly Method<Request, Reply> ClientStream = Method.ClientStreaming(Service, "ClientStream", Request.Parser, Reply.Parser);
    public static readonly Method<Request, Reply> Duplex = Method.DuplexStreaming(Service, "Duplex", Request.Parser, Reply.Parser);
}

/// <summary>Our implementation of the interop service; behaves like js/server.js.</summary>
public sealed class InteropService
{
    public ConcurrentDictionary<string, TaskCompletionSource> Cancelled { get; } = new();

    public ServiceDefinition Definition => ServiceDefinition.CreateBuilder()
        .AddUnary(InteropMethods.Unary, UnaryAsync)
        .AddServerStreaming(InteropMethods.ServerStream, ServerStreamAsync)
        .AddClientStreaming(InteropMethods.ClientStream, ClientStreamAsync)
        .AddDuplexStreaming(InteropMethods.Duplex, DuplexAsync)
        .Build();

    public Task CancellationObserved(string text) => Probe(text).Task;

    private TaskCompletionSource Probe(string text) =>
        Cancelled.GetOrAdd(text, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task<Reply> UnaryAsync(Request request, ServerCallContext context)
    {
        EchoMetadata(context);
        await DelayAsync(request, context);
        FailIfAsked(request);
        return new Reply { Text = request.Text, Body = request.Body };
    }

    private async Task ServerStreamAsync(Request request, IAsyncStreamWriter<Reply> responses, ServerCallContext context)
    {
        EchoMetadata(context);
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                await responses.WriteAsync(new Reply { Text = request.Text, Index = i });
                await DelayAsync(request, context);
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

    private static async Task<Reply> ClientStreamAsync(IAsyncStreamReader<Request> requests, ServerCallContext context)
    {
        EchoMetadata(context);
        var text = new StringBuilder();
        var count = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            FailIfAsked(request);
            text.Append(request.Text);
            count++;
        }

        return new Reply { Text = text.ToString(), Index = count };
    }

    private static async Task DuplexAsync(IAsyncStreamReader<Request> requests, IAsyncStreamWriter<Reply> responses, ServerCallContext context)
    {
        EchoMetadata(context);
        var index = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            FailIfAsked(request);
            await responses.WriteAsync(new Reply { Text = request.Text, Index = index++, Body = request.Body });
        }
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
            throw new RpcException((StatusCode)request.FailCode, request.FailMessage);
        }
    }
}

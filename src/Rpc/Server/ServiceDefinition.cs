using System.Collections.Frozen;
using Google.Protobuf;

namespace GovChain.Rpc;

public delegate Task<TResponse> UnaryHandler<in TRequest, TResponse>(TRequest request, ServerCallContext context);

public delegate Task ServerStreamingHandler<in TRequest, TResponse>(
    TRequest request, IAsyncStreamWriter<TResponse> responses, ServerCallContext context);

public delegate Task<TResponse> ClientStreamingHandler<TRequest, TResponse>(
    IAsyncStreamReader<TRequest> requests, ServerCallContext context);

public delegate Task DuplexStreamingHandler<TRequest, TResponse>(
    IAsyncStreamReader<TRequest> requests, IAsyncStreamWriter<TResponse> responses, ServerCallContext context);

/// <summary>
/// The methods a server hosts, bound to their handlers; built with one line per method:
/// <code>
/// ServiceDefinition.CreateBuilder()
///     .AddUnary(EchoMethods.Say, SayAsync)
///     .AddServerStreaming(EchoMethods.Watch, WatchAsync)
///     .Build();
/// </code>
/// </summary>
public sealed class ServiceDefinition
{
    private ServiceDefinition(FrozenDictionary<string, ServerMethodHandler> methods) => Methods = methods;

    /// <summary>Handlers by HTTP/2 path (<c>/package.Service/Method</c>).</summary>
    internal FrozenDictionary<string, ServerMethodHandler> Methods { get; }

    public IEnumerable<string> MethodNames => Methods.Keys;

    public static Builder CreateBuilder() => new();

    public sealed class Builder
    {
        private readonly Dictionary<string, ServerMethodHandler> _methods = new(StringComparer.Ordinal);

        public Builder AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryHandler<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>
            where TResponse : class, IMessage<TResponse> =>
            Add(method, MethodType.Unary, new ServerMethodHandler<TRequest, TResponse>(method) { Unary = handler }, handler);

        public Builder AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingHandler<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>
            where TResponse : class, IMessage<TResponse> =>
            Add(method, MethodType.ServerStreaming, new ServerMethodHandler<TRequest, TResponse>(method) { ServerStreaming = handler }, handler);

        public Builder AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingHandler<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>
            where TResponse : class, IMessage<TResponse> =>
            Add(method, MethodType.ClientStreaming, new ServerMethodHandler<TRequest, TResponse>(method) { ClientStreaming = handler }, handler);

        public Builder AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingHandler<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>
            where TResponse : class, IMessage<TResponse> =>
            Add(method, MethodType.DuplexStreaming, new ServerMethodHandler<TRequest, TResponse>(method) { DuplexStreaming = handler }, handler);

        public ServiceDefinition Build() => new(_methods.ToFrozenDictionary(StringComparer.Ordinal));

        private Builder Add(IMethod method, MethodType expected, ServerMethodHandler handler, Delegate callback)
        {
            ArgumentNullException.ThrowIfNull(method);
            ArgumentNullException.ThrowIfNull(callback);
            if (method.Type != expected)
            {
                throw new ArgumentException($"{method.FullName} is a {method.Type} method, not {expected}", nameof(method));
            }

            if (!_methods.TryAdd(method.FullName, handler))
            {
                throw new ArgumentException($"{method.FullName} is already bound", nameof(method));
            }

            return this;
        }
    }
}

using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace GovChain.Grpc.Server;

/// <summary>
/// Binds a generated gRPC service the way Grpc.AspNetCore's own binder does (the generated
/// <c>BindService</c>, one endpoint per method, the service resolved per call), with one
/// difference: a request that is not valid protobuf for its method ends with INVALID_ARGUMENT
/// and a reason, where the stock binder answers UNKNOWN "Exception was thrown by handler."
/// Registered in place of the stock binder for every service of an endpoint.
/// </summary>
internal sealed class StrictServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bind = FindBindMethod(typeof(TService));
        if (bind is null)
        {
            return;
        }

        bind.Invoke(null, [new Binder(context), null]);
    }

    /// <summary>The generated <c>BindService(ServiceBinderBase, TBase)</c> named by the service's <see cref="BindServiceMethodAttribute"/>.</summary>
    private static MethodInfo? FindBindMethod(Type service)
    {
        for (var type = service; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.Static)
                    .FirstOrDefault(m => m.Name == attribute.BindMethodName
                        && m.GetParameters() is [var binder, _]
                        && binder.ParameterType == typeof(ServiceBinderBase));
            }
        }

        return null;
    }

    private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var inner = method.RequestMarshaller;
        var requests = new Marshaller<TRequest>(inner.ContextualSerializer, context =>
        {
            try
            {
                return inner.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request is not a valid {typeof(TRequest).Name}: {ex.Message}"));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requests, method.ResponseMarshaller);
    }

    private static TDelegate Handler<TDelegate>(string name, params Type[] parameters)
        where TDelegate : Delegate
    {
        var method = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
            ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name}");
        return method.CreateDelegate<TDelegate>();
    }

    /// <summary>Receives the generated binding (with no service instance) and adds each method with its strict request marshaller.</summary>
    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        private static readonly IList<object> NoMetadata = [];

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Strict(method), NoMetadata,
                Handler<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Strict(method), NoMetadata,
                Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Strict(method), NoMetadata,
                Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Strict(method), NoMetadata,
                Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)));
    }
}

using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection;

namespace GovChain.Grpc.Server;

/// <summary>Grpc.AspNetCore as this project's endpoints run it.</summary>
public static class StrictGrpcServiceCollectionExtensions
{
    /// <summary>
    /// <c>AddGrpc</c>, with every service bound by <see cref="StrictServiceMethodProvider{TService}"/>
    /// instead of the stock binder, so malformed requests end with INVALID_ARGUMENT and a reason.
    /// </summary>
    public static IGrpcServerBuilder AddStrictGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = configure is null ? services.AddGrpc() : services.AddGrpc(configure);
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IServiceMethodProvider<>))
            {
                services.RemoveAt(i);
            }
        }

        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(StrictServiceMethodProvider<>));
        return builder;
    }
}

using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace GovChain.Rpc;

/// <summary>
/// The middleware in front of everything: gRPC requests go to their method's handler (or get
/// UNIMPLEMENTED); any other request passes on to the extra HTTP routes.
/// </summary>
internal sealed class GrpcDispatcher
{
    private readonly FrozenDictionary<string, ServerMethodHandler> _methods;
    private readonly FrozenSet<string> _services;
    private readonly ServerCallSettings _settings;
    private readonly ClientCallLimiter? _limiter;

    public GrpcDispatcher(IEnumerable<ServiceDefinition> services, ServerCallSettings settings, ClientCallLimiter? limiter = null)
    {
        _limiter = limiter;
        var methods = new Dictionary<string, ServerMethodHandler>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            foreach (var (path, handler) in service.Methods)
            {
                if (!methods.TryAdd(path, handler))
                {
                    throw new ArgumentException($"{path} is hosted twice", nameof(services));
                }
            }
        }

        _methods = methods.ToFrozenDictionary(StringComparer.Ordinal);
        _services = methods.Values.Select(m => m.Method.ServiceName).ToFrozenSet(StringComparer.Ordinal);
        _settings = settings;
    }

    public Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var request = http.Request;
        if (!GrpcWire.IsGrpcContentType(request.ContentType, out var supportedCodec))
        {
            return next(http);
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }

        if (!supportedCodec)
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return Task.CompletedTask;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            // Trailers, and so gRPC statuses, need HTTP/2.
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.Headers.Upgrade = "h2";
            return Task.CompletedTask;
        }

        var path = request.Path.Value ?? string.Empty;
        if (_methods.TryGetValue(path, out var handler))
        {
            if (handler.Method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming
                && http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
            {
                // A streamed request idles between messages by design: only its messages are bounded.
                rate.MinDataRate = null;
            }

            return _limiter is null ? handler.HandleAsync(http, _settings) : HandleLimitedAsync(http, handler, _limiter);
        }

        var status = new Status(StatusCode.Unimplemented, DescribeUnknown(path));
        RpcLog.RequestRejected(_settings.Logger, path, status.Code, status.Detail);
        RpcMetrics.ServerCallCompleted(status.Code);
        ServerCallContext.WriteTrailersOnly(http.Response, status, null, null);
        return Task.CompletedTask;
    }

    private async Task HandleLimitedAsync(HttpContext http, ServerMethodHandler handler, ClientCallLimiter limiter)
    {
        var address = ClientCallLimiter.Normalize(http.Connection.RemoteIpAddress);
        using var slot = limiter.TryStartCall(address, out var refusal, out var limit);
        if (slot is null)
        {
            RpcLog.RequestRejected(_settings.Logger, handler.Method.FullName, refusal.Code, refusal.Detail);
            RpcMetrics.ServerCallCompleted(refusal.Code);
            RpcMetrics.ClientRefused(limit);
            ServerCallContext.WriteTrailersOnly(http.Response, refusal, null, new Metadata { { ClientCallLimiter.LimitTrailer, limit } });
            return;
        }

        await handler.HandleAsync(http, _settings).ConfigureAwait(false);
    }

    private string DescribeUnknown(string path)
    {
        var slash = path.LastIndexOf('/');
        if (path.Length < 3 || path[0] != '/' || slash <= 1)
        {
            return $"malformed method path '{Truncate(path)}'";
        }

        var service = path[1..slash];
        return _services.Contains(service)
            ? $"unknown method '{Truncate(path[(slash + 1)..])}' of service '{service}'"
            : $"unknown service '{Truncate(service)}'";
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200];
}

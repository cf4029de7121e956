using System.Threading.Channels;
using ServingStatus = GovChain.Rpc.Health.HealthCheckResponse.Types.ServingStatus;

namespace GovChain.Rpc.Health;

/// <summary>
/// The standard <c>grpc.health.v1.Health</c> service. The node sets a status per service name;
/// the empty name stands for the server as a whole and starts SERVING. Check answers NOT_FOUND
/// for a name never set; Watch sends the current status, then every change, and SERVICE_UNKNOWN
/// for a name not (yet) set.
/// </summary>
public sealed class HealthService
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod =
        Method.Unary(ServiceName, "Check", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod =
        Method.ServerStreaming(ServiceName, "Watch", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    /// <summary>Bounds on state a client can make the server hold.</summary>
    private const int MaxServices = 1024;
    private const int MaxWatchers = 1024;
    private const int MaxServiceNameLength = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [string.Empty] = ServingStatus.Serving };
    private readonly Dictionary<string, List<ChannelWriter<ServingStatus>>> _watchers = new(StringComparer.Ordinal);
    private int _watcherCount;

    public HealthService() =>
        Definition = ServiceDefinition.CreateBuilder()
            .AddUnary(CheckMethod, CheckAsync)
            .AddServerStreaming(WatchMethod, WatchAsync)
            .Build();

    /// <summary>Host this on an <see cref="RpcServer"/>.</summary>
    public ServiceDefinition Definition { get; }

    /// <summary>Sets the status of <paramref name="service"/> ("" for the whole server) and tells its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(service.Length, MaxServiceNameLength);
        lock (_lock)
        {
            if (!_statuses.ContainsKey(service) && _statuses.Count >= MaxServices)
            {
                throw new InvalidOperationException($"at most {MaxServices} services have a health status");
            }

            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Forgets <paramref name="service"/>: Check answers NOT_FOUND, watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>Marks every service NOT_SERVING, as a server about to stop should.</summary>
    public void SetAllNotServing()
    {
        lock (_lock)
        {
            foreach (var service in _statuses.Keys.ToArray())
            {
                _statuses[service] = ServingStatus.NotServing;
                Notify(service, ServingStatus.NotServing);
            }
        }
    }

    public ServingStatus? GetStatus(string service)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    private Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        var status = GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"unknown service '{Truncate(request.Service)}'");
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    private async Task WatchAsync(HealthCheckRequest request, IAsyncStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        if (request.Service.Length > MaxServiceNameLength)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"service names are at most {MaxServiceNameLength} characters");
        }

        // Only the latest status matters to a watcher, so a slow reader just skips stale ones.
        var updates = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            if (_watcherCount >= MaxWatchers)
            {
                throw new RpcException(StatusCode.ResourceExhausted, "too many health watchers");
            }

            if (!_watchers.TryGetValue(request.Service, out var list))
            {
                _watchers[request.Service] = list = [];
            }

            list.Add(updates.Writer);
            _watcherCount++;
            updates.Writer.TryWrite(_statuses.TryGetValue(request.Service, out var current) ? current : ServingStatus.ServiceUnknown);
        }

        try
        {
            await foreach (var status in updates.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_lock)
            {
                if (_watchers.TryGetValue(request.Service, out var list) && list.Remove(updates.Writer))
                {
                    _watcherCount--;
                    if (list.Count == 0)
                    {
                        _watchers.Remove(request.Service);
                    }
                }
            }
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var writer in list)
            {
                writer.TryWrite(status);
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..100];
}

using System.Diagnostics.Metrics;

namespace GovChain.Rpc;

/// <summary>Names an exporter needs to collect the RPC layer's instruments.</summary>
public static class RpcDiagnostics
{
    /// <summary>The meter of the RPC layer: <c>govchain.rpc.server.calls</c> and <c>govchain.rpc.client.calls</c>, tagged <c>grpc.status</c>.</summary>
    public const string MeterName = "GovChain.Rpc";
}

/// <summary>The RPC layer's instruments; one meter for the component, dotted instrument names.</summary>
internal static class RpcMetrics
{
    private const string MeterName = RpcDiagnostics.MeterName;

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> ServerCalls =
        Meter.CreateCounter<long>("govchain.rpc.server.calls", "{call}", "gRPC calls completed by the server, by status code");

    private static readonly Counter<long> ClientCalls =
        Meter.CreateCounter<long>("govchain.rpc.client.calls", "{call}", "gRPC calls completed by clients, by status code");

    private static readonly object[] CodeNames = Enumerable.Range(0, 17).Select(i => (object)((StatusCode)i).ToString()).ToArray();

    private static readonly Counter<long> ClientRefusals =
        Meter.CreateCounter<long>("govchain.rpc.server.client_refusals", "{refusal}", "Calls and connections refused because their client was over its share, by limit");

    public static void ClientRefused(string limit) =>
        ClientRefusals.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public static void ServerCallCompleted(StatusCode code) =>
        ServerCalls.Add(1, new KeyValuePair<string, object?>("grpc.status", Name(code)));

    public static void ClientCallCompleted(StatusCode code) =>
        ClientCalls.Add(1, new KeyValuePair<string, object?>("grpc.status", Name(code)));

    private static object Name(StatusCode code) => (uint)code < (uint)CodeNames.Length ? CodeNames[(int)code] : code.ToString();
}

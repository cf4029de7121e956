using System.Diagnostics.Metrics;
using Grpc.Core;

namespace GovChain.Grpc.Server;

/// <summary>The listeners' instruments, on a component meter the node's exporter collects.</summary>
internal static class ServerMetrics
{
    public const string MeterName = "GovChain.Grpc";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> ServerCalls =
        Meter.CreateCounter<long>("govchain.rpc.server.calls", "{call}", "gRPC calls completed by the server, by status code");

    private static readonly Counter<long> ClientRefusals =
        Meter.CreateCounter<long>("govchain.rpc.server.client_refusals", "{refusal}", "Calls and connections refused because their client was over its share, by limit");

    private static readonly object[] CodeNames = Enumerable.Range(0, 17).Select(i => (object)((StatusCode)i).ToString()).ToArray();

    public static void ClientRefused(string limit) =>
        ClientRefusals.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public static void CallCompleted(StatusCode code) =>
        ServerCalls.Add(1, new KeyValuePair<string, object?>("grpc.status", (uint)code < (uint)CodeNames.Length ? CodeNames[(int)code] : code.ToString()));
}

using System.Diagnostics.Metrics;
using GovChain.Node.Mempool;

namespace GovChain.Grpc.ClientApi;

/// <summary>
/// The client API's instruments, on the node's own meter (see <c>NodeMetrics</c>), so several
/// nodes in one process keep their figures apart. Call counts by status come from the RPC layer.
/// </summary>
internal sealed class ClientApiMetrics
{
    // Boxed once, so tagging a submission allocates nothing.
    private static readonly object[] CodeTags = Enum.GetValues<AdmissionCode>().Select(c => (object)c.ToString()).ToArray();

    private readonly Counter<long> _submissions;
    private readonly UpDownCounter<long> _streams;
    private readonly UpDownCounter<long> _waiters;

    public ClientApiMetrics(Meter meter)
    {
        _submissions = meter.CreateCounter<long>("govchain.api.submissions", description: "Transactions submitted through the client API, by admission outcome.");
        _streams = meter.CreateUpDownCounter<long>("govchain.api.streams", description: "Block and event streams open now.");
        _waiters = meter.CreateUpDownCounter<long>("govchain.api.waiters", description: "WaitForTransaction calls waiting now.");
    }

    public void Submitted(AdmissionCode code) =>
        _submissions.Add(1, new KeyValuePair<string, object?>("outcome", (uint)code < (uint)CodeTags.Length ? CodeTags[(int)code] : "Unknown"));

    public void StreamOpened() => _streams.Add(1);

    public void StreamClosed() => _streams.Add(-1);

    public void WaitStarted() => _waiters.Add(1);

    public void WaitEnded() => _waiters.Add(-1);
}

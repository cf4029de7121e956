namespace GovChain.LoadGen;

/// <summary>The etcd side of <c>--compare-etcd</c>: start the cluster, measure its writes/s, stop it.</summary>
internal static class EtcdComparison
{
    public static async Task<double> RunAsync(string load, CancellationToken ct)
    {
        Console.WriteLine($"starting a {EtcdCluster.Members}-member etcd cluster on loopback ...");
        await using var cluster = await EtcdCluster.StartAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        Console.WriteLine($"etcdctl check perf --load={load} against {cluster.Endpoints} (60 s) ...");
        var writes = await cluster.CheckPerfAsync(load, ct).ConfigureAwait(false);
        Console.WriteLine($"etcd: {writes:F0} writes/s");
        return writes;
    }
}

using System.Diagnostics.Metrics;

namespace GovChain.Storage;

/// <summary>The storage component's instruments, on one meter named for the component.</summary>
internal static class StorageMetrics
{
    public const string MeterName = "GovChain.Storage";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> BlocksAppended = Meter.CreateCounter<long>("govchain.storage.blocks_appended", "{block}");
    private static readonly Counter<long> BytesAppended = Meter.CreateCounter<long>("govchain.storage.bytes_appended", "By");
    private static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>("govchain.storage.append.duration", "ms");
    private static readonly Counter<long> StateKeysChanged = Meter.CreateCounter<long>("govchain.storage.state.keys_changed", "{key}");
    private static readonly Counter<long> ProofsGenerated = Meter.CreateCounter<long>("govchain.storage.state.proofs", "{proof}");
    private static readonly Counter<long> PrunedRecords = Meter.CreateCounter<long>("govchain.storage.state.pruned", "{record}");
    private static readonly Counter<long> StateReads = Meter.CreateCounter<long>("govchain.storage.state.reads", "{read}", "Reads of the state, by where they were answered (cache or store).");
    private static readonly KeyValuePair<string, object?> FromCache = new("source", "cache");
    private static readonly KeyValuePair<string, object?> FromStore = new("source", "store");
    private static readonly Counter<long> WalAppends = Meter.CreateCounter<long>("govchain.storage.wal.appends", "{record}");

    public static void Appended(long bytes, double milliseconds)
    {
        BlocksAppended.Add(1);
        BytesAppended.Add(bytes);
        AppendDuration.Record(milliseconds);
    }

    public static void StatePrepared(int keys) => StateKeysChanged.Add(keys);

    public static void StateRead(bool cached) => StateReads.Add(1, cached ? FromCache : FromStore);

    public static void ProofGenerated() => ProofsGenerated.Add(1);

    public static void Pruned(int records) => PrunedRecords.Add(records);

    public static void WalAppended() => WalAppends.Add(1);
}

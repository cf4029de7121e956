using System.Diagnostics.Metrics;

namespace GovChain.Node.Metrics;

/// <summary>
/// The instruments of one node. They hang off a Meter created per node (not a static one), so
/// several nodes in one process — as in the tests — each export only their own figures.
/// </summary>
public sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "GovChain.Node";

    private long _height;
    private long _round;
    private long _mempoolSize;
    private long _peersConnected;

    public NodeMetrics(IMeterFactory? factory = null)
    {
        Meter = factory is null ? new Meter(MeterName) : factory.Create(MeterName);
        Meter.CreateObservableGauge("govchain.consensus.height", () => Volatile.Read(ref _height), description: "Last committed height.");
        Meter.CreateObservableGauge("govchain.consensus.round", () => Volatile.Read(ref _round), description: "Current consensus round.");
        Meter.CreateObservableGauge("govchain.mempool.size", () => Volatile.Read(ref _mempoolSize), description: "Transactions in the mempool.");
        Meter.CreateObservableGauge("govchain.peers.connected", () => Volatile.Read(ref _peersConnected), description: "Peers with a live connection.");
        TransactionsCommitted = Meter.CreateCounter<long>("govchain.transactions.committed", description: "Transactions committed in blocks.");
        BlocksCommitted = Meter.CreateCounter<long>("govchain.blocks.committed", description: "Blocks committed.");
        MempoolRejected = Meter.CreateCounter<long>("govchain.mempool.rejected", description: "Transactions refused by the mempool, by reason.");
        MessagesRejected = Meter.CreateCounter<long>("govchain.messages.rejected", description: "Peer messages dropped, by reason.");
        CommitLatency = Meter.CreateHistogram<double>("govchain.commit.latency", unit: "s", description: "Time from a transaction's admission to its commit.");
    }

    public Meter Meter { get; }

    public Counter<long> TransactionsCommitted { get; }

    public Counter<long> BlocksCommitted { get; }

    public Counter<long> MempoolRejected { get; }

    public Counter<long> MessagesRejected { get; }

    public Histogram<double> CommitLatency { get; }

    public void SetHeight(ulong height) => Volatile.Write(ref _height, (long)height);

    public void SetRound(uint round) => Volatile.Write(ref _round, round);

    public void SetMempoolSize(int size) => Volatile.Write(ref _mempoolSize, size);

    public void SetPeersConnected(int peers) => Volatile.Write(ref _peersConnected, peers);

    public void Dispose() => Meter.Dispose();
}

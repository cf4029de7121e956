using BenchmarkDotNet.Attributes;

namespace GovChain.Benchmarks.Consensus;

/// <summary>
/// Commits per second of the bare protocol: n validators in one process, a perfect network,
/// a SHA-256 stand-in for signatures (the protocol's own cost). One operation is one height
/// committed by every validator; the messages sent per commit are printed at set-up.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ConsensusThroughputBenchmarks
{
    private const int HeightsPerInvoke = 20;

    private BareProtocolNetwork _network = null!;

    [Params(4, 7, 10, 31)]
    public int Validators { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _network = new BareProtocolNetwork(Validators, ed25519: false);
        _network.Run(HeightsPerInvoke);
        Console.WriteLine($"// n={Validators}: {(double)_network.MessagesSent / _network.CommittedEverywhere:F1} messages sent per commit");
    }

    [GlobalCleanup]
    public void Cleanup() => _network.Dispose();

    [Benchmark(OperationsPerInvoke = HeightsPerInvoke)]
    public void CommitHeights() => _network.Run(HeightsPerInvoke);
}

/// <summary>The same with real Ed25519 signing and checking of every vote: the figure a node can reach.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class ConsensusEd25519ThroughputBenchmarks
{
    private const int HeightsPerInvoke = 5;

    private BareProtocolNetwork _network = null!;

    [Params(4, 10)]
    public int Validators { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _network = new BareProtocolNetwork(Validators, ed25519: true);
        _network.Run(HeightsPerInvoke);
    }

    [GlobalCleanup]
    public void Cleanup() => _network.Dispose();

    [Benchmark(OperationsPerInvoke = HeightsPerInvoke)]
    public void CommitHeights() => _network.Run(HeightsPerInvoke);
}

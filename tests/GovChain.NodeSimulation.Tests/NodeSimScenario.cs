using System.Globalization;

namespace GovChain.NodeSimulation.Tests;

/// <summary>A partition during the faulty phase: from <paramref name="At"/> the nodes hear only their own group.</summary>
public sealed record PartitionEvent(TimeSpan At, int[] Groups);

/// <summary>
/// Everything one node-level run does, derived from its seed: the validators and which of them
/// are Byzantine with which behaviours, how faulty the network is and for how long, the
/// partitions, the store, the clients' load, and the liveness target once the network heals.
/// </summary>
public sealed record NodeSimScenario
{
    public int Validators { get; init; } = 4;

    public IReadOnlyList<int> Byzantine { get; init; } = [];

    public ByzantineBehaviour Behaviours { get; init; }

    /// <summary>Every Byzantine behaviour acts on every chance (named attacks), not at its seeded rate.</summary>
    public bool Always { get; init; }

    /// <summary>Rewritten proposals go only to this node (the others see the honest one); null for all.</summary>
    public int? ProposalTarget { get; init; }

    public int OversizedBytes { get; init; } = SimChain.MaxBlockBytes + (64 * 1024);

    public WireFaults ChaosFaults { get; init; } = WireFaults.Healthy;

    public TimeSpan Chaos { get; init; } = TimeSpan.FromSeconds(2);

    public IReadOnlyList<PartitionEvent> Partitions { get; init; } = [];

    public bool RocksDb { get; init; }

    /// <summary>Citizens, each registering an identity; the registrar registers a parcel for each.</summary>
    public int Citizens { get; init; } = 8;

    /// <summary>Heights every honest node must add after the network heals.</summary>
    public ulong HeightsAfterHeal { get; init; } = 2;

    /// <summary>Simulated time within which they must.</summary>
    public TimeSpan LivenessBound { get; init; } = TimeSpan.FromSeconds(60);

    public int F => (Validators - 1) / 3;

    public static NodeSimScenario Generate(ulong seed, ByzantineBehaviour mix)
    {
        var random = new SimRandom(seed ^ 0x6E6F646573696DUL);
        var n = random.Chance(0.8) ? 4 : 7;
        var f = (n - 1) / 3;
        var byzantineCount = random.Next(f + 1);
        var byzantine = Enumerable.Range(0, n).OrderBy(_ => random.NextULong()).Take(byzantineCount).OrderBy(i => i).ToList();
        var behaviours = ByzantineBehaviour.None;
        foreach (var flag in Enum.GetValues<ByzantineBehaviour>())
        {
            if (flag is not ByzantineBehaviour.None and not ByzantineBehaviour.All && (mix & flag) != 0 && random.Chance(0.5))
            {
                behaviours |= flag;
            }
        }

        var maxDelay = random.Next(5, 200);
        var faults = new WireFaults(random.Next(0, 25) / 100.0, random.Next(0, 15) / 100.0, 1, maxDelay);
        var chaos = TimeSpan.FromMilliseconds(random.Next(500, 2500));
        var partitions = new List<PartitionEvent>();
        var cuts = random.Next(3);
        for (var i = 0; i < cuts; i++)
        {
            var groups = Enumerable.Range(0, n).Select(_ => random.Next(2)).ToArray();
            partitions.Add(new PartitionEvent(TimeSpan.FromMilliseconds(random.Next((int)chaos.TotalMilliseconds)), groups));
        }

        return new NodeSimScenario
        {
            Validators = n,
            Byzantine = byzantine,
            Behaviours = byzantineCount > 0 ? behaviours : ByzantineBehaviour.None,
            ChaosFaults = faults,
            Chaos = chaos,
            Partitions = partitions.OrderBy(p => p.At).ToList(),
            RocksDb = seed % 64 == 7,
            Citizens = random.Next(2, 12),
        };
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"n={Validators} byzantine=[{string.Join(",", Byzantine)}] behaviours={Behaviours}{(Always ? " (always)" : "")} " +
        $"faults=drop {ChaosFaults.DropRate:0.00} dup {ChaosFaults.DuplicateRate:0.00} delay {ChaosFaults.MinDelayMs}-{ChaosFaults.MaxDelayMs} ms " +
        $"chaos={Chaos.TotalMilliseconds} ms partitions={Partitions.Count} store={(RocksDb ? "rocksdb" : "memory")} citizens={Citizens}");
}

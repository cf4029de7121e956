using System.Text;

namespace GovChain.Simulation.Tests;

public enum ByzantineKind
{
    None,

    /// <summary>Never sends anything.</summary>
    Silent,

    /// <summary>As proposer, sends two different signed blocks to the two halves of the network.</summary>
    EquivocatingProposer,

    /// <summary>Sends each of its votes to half the network and a conflicting signed vote to the other half.</summary>
    DoubleVoter,

    /// <summary>Replaces the block hash of every vote it signs with a random one.</summary>
    RandomHashVoter,
}

/// <summary>From <paramref name="FromHeight"/> on, node i has voting power Powers[i] (0: not a validator).</summary>
public sealed record SetEpoch(ulong FromHeight, ulong[] Powers);

/// <summary>Between the two times, messages between nodes on different sides are lost.</summary>
public sealed record Partition(long StartMs, long EndMs, bool[] SideB);

/// <summary>
/// Node crashes at <paramref name="AtMs"/> and restarts at <paramref name="RestartAtMs"/>,
/// replaying its WAL — or, when <paramref name="Wipe"/>, with WAL and blocks lost, rejoining
/// by block sync once the others are two heights past where it stopped.
/// </summary>
public sealed record Crash(int Node, long AtMs, long RestartAtMs, bool Wipe);

/// <summary>Everything one simulated run does, derived from its seed (or written out by a scenario test).</summary>
public sealed record SimScenario
{
    public required int Validators { get; init; }

    /// <summary>Nodes that are not in the genesis set (they follow, and may join by a set change).</summary>
    public int ExtraNodes { get; init; }

    public required List<SetEpoch> Epochs { get; init; }

    public required ByzantineKind[] Byzantine { get; init; }

    public double Loss { get; init; }

    public double Duplicate { get; init; }

    public int MinDelayMs { get; init; } = 1;

    public int MaxDelayMs { get; init; } = 20;

    public List<Partition> Partitions { get; init; } = [];

    public List<Crash> Crashes { get; init; } = [];

    /// <summary>From here on: no loss, no partition, every honest node running.</summary>
    public long HealMs { get; init; } = 2000;

    /// <summary>After healing, every honest node must commit this many heights past the best honest height ...</summary>
    public int LivenessHeights { get; init; } = 2;

    /// <summary>... within this much simulated time.</summary>
    public long LivenessBoundMs { get; init; } = 120_000;

    /// <summary>Time a node takes to apply a committed block before moving on (the commit timeout's role).</summary>
    public int CommitDelayMs { get; init; } = 100;

    public bool RealEd25519 { get; init; }

    /// <summary>Messages travel encoded and are decoded by the machine (the node's real path).</summary>
    public bool WireBytes { get; init; }

    public int Nodes => Validators + ExtraNodes;

    public static SimScenario Generate(ulong seed, int n)
    {
        var rng = new SimRandom(seed * 0x9E3779B97F4A7C15UL ^ (ulong)n);
        var f = (n - 1) / 3;
        var powers = new ulong[n];
        var weighted = rng.Chance(0.3);
        for (var i = 0; i < n; i++)
        {
            powers[i] = weighted ? (ulong)rng.Between(1, 4) : 1;
        }

        var byzantine = new ByzantineKind[n];
        var byzCount = rng.Next(f + 1);
        for (var k = 0; k < byzCount; k++)
        {
            var candidate = rng.Next(n);
            byzantine[candidate] = (ByzantineKind)rng.Between(1, 4);
            if (!FaultyWithinBound(powers, byzantine))
            {
                byzantine[candidate] = ByzantineKind.None;
            }
        }

        var epochs = new List<SetEpoch> { new(1, powers) };
        var extra = 0;
        if (n >= 4 && rng.Chance(0.3))
        {
            extra = 1;
            var current = powers.Append(0UL).ToArray();
            epochs[0] = new SetEpoch(1, current);
            var height = (ulong)rng.Between(2, 4);
            for (var change = rng.Between(1, 3); change > 0; change--)
            {
                var next = (ulong[])current.Clone();
                var node = rng.Next(n + 1);
                next[node] = rng.Next(3) switch
                {
                    0 => 0,
                    1 => next[node] + 1,
                    _ => (ulong)rng.Between(1, 5),
                };
                var byzExtended = byzantine.Append(ByzantineKind.None).ToArray();
                if (byzExtended[node] == ByzantineKind.None && next.Any(p => p > 0) && FaultyWithinBound(next, byzExtended))
                {
                    epochs.Add(new SetEpoch(height, next));
                    current = next;
                }

                height += (ulong)rng.Between(1, 3);
            }

            byzantine = byzantine.Append(ByzantineKind.None).ToArray();
        }

        var heal = rng.Between(800, 3000);
        var nodes = n + extra;
        var partitions = new List<Partition>();
        if (n > 1 && rng.Chance(0.4))
        {
            for (var p = rng.Between(1, 2); p > 0; p--)
            {
                var start = rng.Between(0, heal - 200);
                var side = new bool[nodes];
                for (var i = 0; i < nodes; i++)
                {
                    side[i] = rng.Chance(0.5);
                }

                partitions.Add(new Partition(start, rng.Between(start + 100, heal), side));
            }
        }

        var crashes = new List<Crash>();
        if (rng.Chance(0.4))
        {
            var honest = Enumerable.Range(0, nodes).Where(i => byzantine[i] == ByzantineKind.None).ToList();
            if (rng.Chance(0.2))
            {
                var at = rng.Between(0, heal - 300);
                var back = rng.Between(at + 1, heal);
                crashes.AddRange(honest.Select(i => new Crash(i, at, back, false)));
            }
            else
            {
                for (var c = rng.Between(1, Math.Max(1, honest.Count)); c > 0; c--)
                {
                    var at = rng.Between(0, heal - 100);
                    crashes.Add(new Crash(rng.Pick(honest), at, rng.Between(at + 1, heal), false));
                }
            }
        }

        return new SimScenario
        {
            Validators = n,
            ExtraNodes = extra,
            Epochs = epochs,
            Byzantine = byzantine,
            Loss = rng.Pick([0.0, 0.0, 0.02, 0.1, 0.3]),
            Duplicate = rng.Pick([0.0, 0.05, 0.2]),
            MaxDelayMs = rng.Pick([2, 20, 60, 150]),
            Partitions = partitions,
            Crashes = crashes,
            HealMs = heal,
            RealEd25519 = seed % 64 == 0,
            WireBytes = seed % 8 == 0,
        };
    }

    /// <summary>True when the Byzantine nodes hold at most the faulty third of the power.</summary>
    public static bool FaultyWithinBound(ulong[] powers, ByzantineKind[] byzantine)
    {
        ulong total = 0, faulty = 0;
        for (var i = 0; i < powers.Length; i++)
        {
            total += powers[i];
            if (byzantine[i] != ByzantineKind.None)
            {
                faulty += powers[i];
            }
        }

        return total > 0 && faulty <= total - ((total * 2 / 3) + 1);
    }

    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append($"n={Validators} extra={ExtraNodes} loss={Loss} dup={Duplicate} delay={MinDelayMs}-{MaxDelayMs}ms heal={HealMs}ms ed25519={RealEd25519} wire={WireBytes}");
        sb.Append($"; byzantine=[{string.Join(",", Byzantine.Select((b, i) => b == ByzantineKind.None ? null : $"{i}:{b}").Where(s => s is not null))}]");
        sb.Append($"; epochs=[{string.Join(" ", Epochs.Select(e => $"h{e.FromHeight}:{string.Join("/", e.Powers)}"))}]");
        sb.Append($"; partitions=[{string.Join(" ", Partitions.Select(p => $"{p.StartMs}-{p.EndMs}"))}]");
        sb.Append($"; crashes=[{string.Join(" ", Crashes.Select(c => $"{c.Node}@{c.AtMs}-{c.RestartAtMs}{(c.Wipe ? "(wipe)" : string.Empty)}"))}]");
        return sb.ToString();
    }
}

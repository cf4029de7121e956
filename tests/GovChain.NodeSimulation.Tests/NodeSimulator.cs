using System.Security.Cryptography;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.NodeSimulation.Tests;

/// <summary>The outcome of one run, and a fingerprint of it (two runs of one seed must match).</summary>
public sealed record NodeSimResult(ulong MinHonestHeight, ulong MaxHonestHeight, long MessagesSent, long Events, int TransactionsCommitted, TimeSpan SimulatedTime, string Fingerprint);

/// <summary>
/// N real nodes (driver, executor, mempool, evidence pool, block sync, peer handler) in one
/// process on a seeded simulated network and clock, some of them Byzantine. One thread runs
/// everything: the scheduler's next action, then every node's queued events; the invariants
/// are checked after every action. A faulty phase (drops, delays, duplicates, partitions,
/// Byzantine traffic, client load) is followed by a healed network, in which every honest
/// node must reach the target height within a bounded simulated time.
/// </summary>
internal sealed class NodeSimulator : IAsyncDisposable
{
    private const int MaxStepsPerPump = 100_000;
    private const int MaxScheduled = 500_000;

    private readonly SimScheduler _scheduler = new();
    private readonly SimRandom _random;
    private readonly SimChain _chain;
    private readonly List<SimNode> _nodes = [];
    private readonly NodeInvariants _invariants;
    private readonly string? _rocksRoot;

    public NodeSimulator(NodeSimScenario scenario, ulong seed)
    {
        Scenario = scenario;
        _random = new SimRandom(seed);
        _chain = new SimChain(scenario.Validators, scenario.Citizens);
        Wire = new SimWire(_scheduler, _random.Fork());
        var clock = new SimClock(_scheduler);
        if (scenario.RocksDb)
        {
            _rocksRoot = Path.Combine(Path.GetTempPath(), "govchain-nodesim", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_rocksRoot);
        }

        for (var i = 0; i < scenario.Validators; i++)
        {
            _nodes.Add(new SimNode(i, _chain, Wire, clock, _rocksRoot is null ? null : Path.Combine(_rocksRoot, $"node-{i}")));
        }

        var keys = _nodes.Select(n => n.ValidatorKey).ToList();
        var actors = new ByzantineActor?[_nodes.Count];
        foreach (var b in scenario.Byzantine)
        {
            actors[b] = new ByzantineActor(_nodes[b], Wire, _scheduler, _random.Fork(), scenario.Behaviours, keys, scenario.Always)
            {
                OversizedBytes = scenario.OversizedBytes,
                ProposalTarget = scenario.ProposalTarget,
            };
        }

        Wire.Attach(_nodes, actors);
        Honest = _nodes.Where(n => actors[n.Index] is null).ToList();
        _invariants = new NodeInvariants(_chain, Honest, scenario);
    }

    public NodeSimScenario Scenario { get; }

    public SimWire Wire { get; }

    public IReadOnlyList<SimNode> Nodes => _nodes;

    public IReadOnlyList<SimNode> Honest { get; }

    public TimeSpan Now => _scheduler.Now;

    public NodeSimResult Run()
    {
        foreach (var node in _nodes)
        {
            node.Start();
        }

        foreach (var actor in Wire.Actors)
        {
            actor?.Start();
        }

        Pump();
        ScheduleClients();
        Wire.Faults = Scenario.ChaosFaults;
        foreach (var cut in Scenario.Partitions)
        {
            _scheduler.At(cut.At.Ticks, () => Wire.Partition(cut.Groups));
        }

        RunUntil(Scenario.Chaos.Ticks, () => false);

        Wire.Heal();
        Wire.Faults = WireFaults.Healthy;
        var target = Honest.Max(n => n.Height) + Scenario.HeightsAfterHeal;
        var deadline = _scheduler.NowTicks + Scenario.LivenessBound.Ticks;
        RunUntil(deadline, () => Honest.All(n => n.Height >= target));
        if (Honest.Any(n => n.Height < target))
        {
            throw new NodeSimulationFailure(
                $"liveness: {Scenario.LivenessBound.TotalSeconds} s (simulated) after the network healed, honest heights are " +
                $"{string.Join(",", Honest.Select(n => $"{n.Index}:{n.Height}"))}, target {target}; " +
                $"rounds {string.Join(",", Honest.Select(n => $"{n.Index}:{n.Driver.Round}"))}");
        }

        _invariants.CheckAll(Wire);
        return new NodeSimResult(
            Honest.Min(n => n.Height), Honest.Max(n => n.Height), Wire.Sent, _scheduler.Executed,
            _invariants.TransactionsCommitted, _scheduler.Now, Fingerprint());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        _chain.Dispose();
        if (_rocksRoot is not null)
        {
            try
            {
                Directory.Delete(_rocksRoot, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temporary directory.
            }
        }
    }

    private void RunUntil(long limitTicks, Func<bool> done)
    {
        while (!done() && _scheduler.RunNext(limitTicks))
        {
            Pump();
            _invariants.Check(Wire, _scheduler.Now);
            if (_scheduler.Pending > MaxScheduled)
            {
                throw new NodeSimulationFailure($"bounded memory: {_scheduler.Pending} messages and timers in flight");
            }
        }
    }

    /// <summary>Every node runs its queued events (its own answers included) until its queue is empty; block sync answers after a seeded delay.</summary>
    private void Pump()
    {
        foreach (var node in _nodes)
        {
            var steps = 0;
            while (node.Driver.Step())
            {
                if (++steps > MaxStepsPerPump)
                {
                    throw new NodeSimulationFailure($"node {node.Index} never drains its queue ({steps} events in one instant)");
                }
            }

            if (node.Driver.SyncRequested && !node.SyncScheduled)
            {
                node.SyncScheduled = true;
                _scheduler.After(TimeSpan.FromMilliseconds(_random.Next(2, 30)), () =>
                {
                    node.SyncScheduled = false;
                    node.Driver.StepSync();
                });
            }
        }
    }

    /// <summary>
    /// Clients during the faulty phase: citizens register identities at random honest nodes; the
    /// registrar registers a parcel for each, in nonce order, always at one honest node.
    /// </summary>
    private void ScheduleClients()
    {
        var chaosMs = Math.Max(1, (int)Scenario.Chaos.TotalMilliseconds);
        var registrarNode = _random.Pick(Honest);
        for (var i = 0; i < _chain.Citizens.Count; i++)
        {
            var citizen = _chain.Citizens[i];
            var identity = IdentityCalls.Register(SimChain.Sha($"citizen {i}")).Sign(SimChain.ChainId, citizen, 1);
            var at = _random.Next(chaosMs);
            var node = _random.Pick(Honest);
            _scheduler.At(TimeSpan.FromMilliseconds(at).Ticks, () => node.Submit([identity]));
        }

        var parcels = Enumerable.Range(0, _chain.Citizens.Count)
            .Select(i => LandCalls.RegisterParcel($"LOT-{i}", _chain.Citizens[i].PublicKey, SimChain.Sha($"deed {i}"), 500 + (ulong)i)
                .Sign(SimChain.ChainId, _chain.Registrar, (ulong)i + 1))
            .ToList();
        var times = parcels.Select(_ => _random.Next(chaosMs)).Order().ToList();
        for (var i = 0; i < parcels.Count; i++)
        {
            var tx = parcels[i];
            _scheduler.At(TimeSpan.FromMilliseconds(times[i]).Ticks, () => registrarNode.Submit([tx]));
        }
    }

    private string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var node in _nodes)
        {
            for (ulong h = 1; h <= node.Height; h++)
            {
                hash.AppendData(node.Database.Blocks.GetBlockHash(h)!.Value.ToArray());
            }

            hash.AppendData(BitConverter.GetBytes(node.Height));
        }

        hash.AppendData(BitConverter.GetBytes(_scheduler.Executed));
        hash.AppendData(BitConverter.GetBytes(Wire.Sent));
        hash.AppendData(BitConverter.GetBytes(Wire.Delivered));
        return Convert.ToHexString(hash.GetHashAndReset())[..16];
    }
}

public sealed class NodeSimulationFailure(string message) : Exception(message);

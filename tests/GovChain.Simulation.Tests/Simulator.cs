using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Simulation.Tests;

/// <summary>A broken invariant (or an exhausted budget) of one simulated run.</summary>
public sealed class SimulationFailure(string message) : Exception(message);

/// <summary>What a finished run measured.</summary>
public sealed record SimResult(
    ulong MinHonestHeight, ulong MaxHonestHeight, ulong HeightAtHeal, long MessagesSent, long Events, long SimulatedMs, long Drops, int EvidenceReported, int EvidenceCommitted);

/// <summary>
/// Runs the nodes of a <see cref="SimScenario"/> — real <see cref="ConsensusMachine"/>s — on
/// a seeded simulated network and logical clock, in one thread; the same seed replays the
/// same run event for event. Invariants are checked as the run goes (see <see cref="InvariantChecker"/>).
/// </summary>
public sealed partial class Simulator : IDisposable
{
    public const string ChainId = "sim-chain";

    private const long MaxEvents = 3_000_000;

    private readonly SimScenario _scenario;
    private readonly SimRandom _net;
    private readonly SimRandom _faults;
    private readonly SimKeys _keys;
    private readonly SimNode[] _nodes;
    private readonly WeightedValidatorSet[] _epochSets;
    private readonly ConsensusOptions _options;
    private readonly InvariantChecker _checker;
    private readonly PriorityQueue<SimEvent, (long Time, long Seq)> _queue = new();
    private long _seq;
    private long _now;
    private long _events;
    private ulong _livenessTarget;
    private ulong _heightAtHeal;
    private bool _healed;

    public Simulator(SimScenario scenario, ulong seed)
    {
        _scenario = scenario;
        var root = new SimRandom(seed);
        _net = root.Fork();
        _faults = root.Fork();
        _keys = new SimKeys(scenario.Nodes, scenario.RealEd25519);
        _nodes = new SimNode[scenario.Nodes];
        for (var i = 0; i < _nodes.Length; i++)
        {
            _nodes[i] = new SimNode(i, _keys.Signers[i], scenario.Byzantine[i]);
        }

        _epochSets = scenario.Epochs.Select(e => new WeightedValidatorSet(e.Powers
            .Select((p, i) => (p, i))
            .Where(x => x.p > 0)
            .Select(x => new Validator { DepartmentId = $"dept-{x.i}", PublicKey = ByteString.CopyFrom(_keys.Signers[x.i].PublicKey), VotingPower = x.p })))
            .ToArray();
        _options = new ConsensusOptions(ChainId)
        {
            Timeouts = new TimeoutOptions { ProposeMs = 300, PrevoteMs = 150, PrecommitMs = 150, DeltaMs = 100, RetransmitMs = 200, MaxTimeoutMs = 4000 },
        };
        _checker = new InvariantChecker(this);
    }

    public SimScenario Scenario => _scenario;

    /// <summary>When set, every input and action of every node is written here (for replaying a failing seed by hand).</summary>
    public Action<string>? Trace { get; set; }

    public IReadOnlyList<SimNode> Nodes => _nodes;

    public ISignatureVerifier Verifier => _keys.Verifier;

    public long Now => _now;

    public WeightedValidatorSet SetFor(ulong height)
    {
        var index = 0;
        for (var i = 0; i < _scenario.Epochs.Count; i++)
        {
            if (_scenario.Epochs[i].FromHeight <= height)
            {
                index = i;
            }
        }

        return _epochSets[index];
    }

    public SimResult Run()
    {
        foreach (var node in _nodes)
        {
            if (node.Byzantine != ByzantineKind.Silent)
            {
                StartMachine(node);
            }
        }

        foreach (var crash in _scenario.Crashes)
        {
            Schedule(crash.AtMs, new SimEvent(SimEventKind.Crash, crash.Node, 0, crash));
            Schedule(crash.RestartAtMs, new SimEvent(SimEventKind.Restart, crash.Node, 0, crash));
        }

        Schedule(_scenario.HealMs, new SimEvent(SimEventKind.Heal, -1, 0, null));
        var deadline = _scenario.HealMs + _scenario.LivenessBoundMs;
        while (_queue.TryDequeue(out var ev, out var at))
        {
            if (at.Time > deadline)
            {
                throw new SimulationFailure($"liveness: after healing at {_scenario.HealMs} ms, honest nodes did not all reach height {_livenessTarget} within {_scenario.LivenessBoundMs} ms of simulated time ({HeightsText()})");
            }

            if (++_events > MaxEvents)
            {
                throw new SimulationFailure($"event budget of {MaxEvents} exhausted at {_now} ms ({HeightsText()})");
            }

            _now = at.Time;
            Trace?.Invoke($"{_now,7} ev {ev.Kind} node {ev.Node} {Describe(ev.Payload)}");
            Dispatch(ev);
            if (_healed && LivenessReached())
            {
                break;
            }
        }

        if (!_healed || !LivenessReached())
        {
            throw new SimulationFailure($"the run went quiet before liveness was shown ({HeightsText()})");
        }

        _checker.CheckFinal();
        var honest = _nodes.Where(n => n.Honest).ToList();
        return new SimResult(
            honest.Min(n => n.ChainHeight),
            honest.Max(n => n.ChainHeight),
            _heightAtHeal,
            _nodes.Sum(n => n.MessagesSent),
            _events,
            _now,
            _nodes.Where(n => n.Machine is not null).Sum(n => n.Machine!.Drops.TotalRejected),
            _checker.EvidenceReported,
            honest.Max(n => n.Chain.Sum(b => b.Block.Evidence.Count)));
    }

    private void Dispatch(SimEvent ev)
    {
        var node = ev.Node >= 0 ? _nodes[ev.Node] : null;
        switch (ev.Kind)
        {
            case SimEventKind.Deliver:
                if (node!.Machine is { } receiver)
                {
                    ConsensusEvent input = ev.Payload is byte[] bytes
                        ? new MessageBytesReceived(bytes)
                        : new MessageReceived((ConsensusMessage)ev.Payload!);
                    Execute(node, receiver.Handle(input));
                }

                break;
            case SimEventKind.Input:
                if (node!.Machine is { } machine && node.Epoch == ev.Epoch)
                {
                    Execute(node, machine.Handle((ConsensusEvent)ev.Payload!));
                }

                break;
            case SimEventKind.Applied:
                if (node!.Machine is not null && node.Epoch == ev.Epoch)
                {
                    OnApplied(node, (ulong)ev.Payload!);
                }

                break;
            case SimEventKind.Sync:
                if (node!.Machine is not null && node.Epoch == ev.Epoch)
                {
                    node.SyncScheduled = false;
                    TrySync(node);
                }

                break;
            case SimEventKind.Crash:
                OnCrash(node!, (Crash)ev.Payload!);
                break;
            case SimEventKind.Restart:
                OnRestart(node!, (Crash)ev.Payload!);
                break;
            case SimEventKind.Heal:
                _healed = true;
                _heightAtHeal = _nodes.Where(n => n.Honest).Max(n => n.ChainHeight);
                _livenessTarget = _heightAtHeal + (ulong)_scenario.LivenessHeights;
                break;
        }
    }

    internal static string Describe(object? payload) => payload switch
    {
        byte[] bytes => Describe(ConsensusMessage.Parser.ParseFrom(bytes)),
        ConsensusMessage { Vote: { } v } => $"vote {v.Type} h{v.Height} r{v.Round} {(v.BlockHash.IsEmpty ? "nil" : Convert.ToHexString(v.BlockHash.Span[..3]))} by {Convert.ToHexString(v.Validator.Span[..2])}",
        ConsensusMessage { Proposal: { } p } => $"proposal h{p.Height} r{p.Round} pol{p.PolRound} {Convert.ToHexString(p.Block.Header.Hash().ToArray().AsSpan(0, 3))} by {Convert.ToHexString(p.Proposer.Span[..2])}",
        ConsensusMessage { Commit: { } c } => $"certificate h{c.Height} r{c.Round}",
        ProposalReady r => $"proposal ready h{r.Height} r{r.Round}",
        _ => payload?.ToString() ?? string.Empty,
    };

    private bool LivenessReached()
    {
        foreach (var node in _nodes)
        {
            if (node.Honest && node.ChainHeight < _livenessTarget)
            {
                return false;
            }
        }

        return true;
    }

    private string HeightsText() =>
        string.Join(" ", _nodes.Select(n => $"{n.Index}{(n.Honest ? string.Empty : "*")}:h{n.ChainHeight}" +
            (n.Machine is { } m ? $"/H{m.Height}r{m.Round}{m.Step}" : "/down")));

    private void Schedule(long at, SimEvent ev) => _queue.Enqueue(ev, (at, _seq++));

    private void ScheduleInput(SimNode node, long delayMs, ConsensusEvent input) =>
        Schedule(_now + delayMs, new SimEvent(SimEventKind.Input, node.Index, node.Epoch, input));

    public void Dispose() => _keys.Dispose();

    private enum SimEventKind
    {
        Deliver,
        Input,
        Applied,
        Sync,
        Crash,
        Restart,
        Heal,
    }

    private readonly record struct SimEvent(SimEventKind Kind, int Node, int Epoch, object? Payload);
}

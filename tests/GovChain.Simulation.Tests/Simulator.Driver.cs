using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Protocol;

namespace GovChain.Simulation.Tests;

/// <summary>The simulated node's driver: performs the machine's actions, as src/Node will for real.</summary>
public sealed partial class Simulator
{
    private void StartMachine(SimNode node)
    {
        var height = node.ChainHeight + 1;
        node.Wal.RemoveAll(r => WalHeight(r) < height);
        var machine = new ConsensusMachine(
            _options,
            height,
            SetFor(height),
            node.Follower ? null : node.Signer,
            _keys.Verifier,
            node.Chain.Count > 0 ? node.Chain[^1].Certificate : null);
        machine.Restore(node.Wal);
        node.Machine = machine;
        Execute(node, machine.Start());
    }

    private void Execute(SimNode node, IReadOnlyList<ConsensusAction> actions)
    {
        var count = actions.Count;
        var crashAfter = node.CrashInNextBatch ? _faults.Next(count + 1) : count;
        for (var i = 0; i < crashAfter; i++)
        {
            Perform(node, actions[i]);
        }

        if (node.CrashInNextBatch)
        {
            node.CrashInNextBatch = false;
            CrashNow(node);
        }
    }

    private void Perform(SimNode node, ConsensusAction action)
    {
        Trace?.Invoke($"          node {node.Index} -> {action switch { Broadcast b => "broadcast " + Describe(b.Message), WriteWal w => "wal " + w.Record.KindCase, _ => action.ToString() }}");
        switch (action)
        {
            case WriteWal w:
                node.Wal.Add(w.Record);
                break;
            case Broadcast b:
                _checker.OnSent(node, b.Message);
                SendFromNode(node, b.Message, target: -1);
                break;
            case SendTo s:
                var target = Array.FindIndex(_nodes, n => n.Key == s.Validator);
                if (target >= 0)
                {
                    SendFromNode(node, s.Message, target);
                }

                break;
            case ScheduleTimeout t:
                ScheduleInput(node, (long)t.Delay.TotalMilliseconds, new TimeoutFired(t.Height, t.Round, t.Kind));
                break;
            case RequestProposal r:
                if (BuildBlock(node, r.Height) is { } block)
                {
                    ScheduleInput(node, _net.Between(0, 5), new ProposalReady(r.Height, r.Round, block));
                }

                break;
            case ValidateBlock v:
                ScheduleInput(node, _net.Between(0, 5), new BlockValidated(v.Height, v.BlockHash, IsValidBlock(node, v.Block)));
                break;
            case CommitBlock c:
                OnCommit(node, c);
                break;
            case ReportEvidence e:
                _checker.OnEvidence(node, e.Evidence);
                break;
            case Behind behind:
                node.SyncWanted = Math.Max(node.SyncWanted, behind.PeersHeight);
                ScheduleSync(node, _net.Between(5, 50));
                break;
            default:
                throw new SimulationFailure($"unknown action {action}");
        }
    }

    private void OnCommit(SimNode node, CommitBlock commit)
    {
        var height = commit.Certificate.Height;
        _checker.OnCommit(node, commit.Block, commit.BlockHash, commit.Certificate);
        if (height == node.ChainHeight + 1)
        {
            node.Chain.Add(new StoredBlock(commit.Block, commit.BlockHash, commit.Certificate));
            if (node.Follower && node.SyncedSinceWipe)
            {
                // Decided live at the tip, after catching up: from the next height on it signs again.
                node.Follower = false;
                node.Machine = null;
                StartMachine(node);
                return;
            }

            Schedule(_now + _scenario.CommitDelayMs, new SimEvent(SimEventKind.Applied, node.Index, node.Epoch, height));
        }
    }

    private void OnApplied(SimNode node, ulong height)
    {
        if (node.Machine!.Height == height)
        {
            Execute(node, node.Machine.Handle(new CommitApplied(height, SetFor(height + 1))));
        }
    }

    private void ScheduleSync(SimNode node, long delayMs)
    {
        if (!node.SyncScheduled)
        {
            node.SyncScheduled = true;
            Schedule(_now + delayMs, new SimEvent(SimEventKind.Sync, node.Index, node.Epoch, null));
        }
    }

    /// <summary>Block sync: copy the blocks a reachable peer has, checking each certificate as a node must.</summary>
    private void TrySync(SimNode node)
    {
        if (node.ChainHeight + 1 >= node.SyncWanted)
        {
            return;
        }

        SimNode? source = null;
        foreach (var peer in _nodes)
        {
            if (peer != node && peer.Running && Reachable(node.Index, peer.Index)
                && peer.ChainHeight > node.ChainHeight && (source is null || peer.ChainHeight > source.ChainHeight))
            {
                source = peer;
            }
        }

        if (source is not null)
        {
            var first = node.ChainHeight + 1;
            for (var h = first; h <= source.ChainHeight; h++)
            {
                var stored = source.Chain[(int)h - 1];
                _checker.CheckSyncedBlock(node, stored);
                node.Chain.Add(stored);
            }

            if (node.Follower)
            {
                node.SyncedSinceWipe = true;
            }

            var last = node.Chain[^1];
            Execute(node, node.Machine!.Handle(new CommitApplied(node.ChainHeight, SetFor(node.ChainHeight + 1), last.Certificate)));
        }

        if (node.Running && node.ChainHeight + 1 < node.SyncWanted)
        {
            ScheduleSync(node, 300);
        }
    }

    private void OnCrash(SimNode node, Crash crash)
    {
        if (!node.Running)
        {
            return;
        }

        if (!crash.Wipe && _faults.Chance(0.5))
        {
            node.CrashInNextBatch = true;
            return;
        }

        CrashNow(node);
        if (crash.Wipe)
        {
            // The checker keeps what the node signed: a wiped validator must still never contradict it.
            node.Wal.Clear();
            node.Chain.Clear();
            node.Follower = true;
            node.SyncedSinceWipe = false;
            node.SyncWanted = 0;
        }
    }

    private void CrashNow(SimNode node)
    {
        node.Machine = null;
        node.Epoch++;
        node.SyncScheduled = false;
        node.CrashInNextBatch = false;
    }

    private void OnRestart(SimNode node, Crash crash)
    {
        if (node.Running && node.CrashInNextBatch)
        {
            CrashNow(node);
        }

        if (node.Running)
        {
            return;
        }

        if (crash.Wipe && !_checker.OthersPastWipe(node))
        {
            Schedule(_now + 200, new SimEvent(SimEventKind.Restart, node.Index, 0, crash));
            return;
        }

        StartMachine(node);
    }

    private static ulong WalHeight(WalRecord record) => record.KindCase switch
    {
        WalRecord.KindOneofCase.Vote => record.Vote.Height,
        WalRecord.KindOneofCase.Proposal => record.Proposal.Height,
        WalRecord.KindOneofCase.Lock => record.Lock.Height,
        _ => 0,
    };
}

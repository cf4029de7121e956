using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Node.Network;
using GovChain.Protocol;
using GovChain.Storage;
using WalRecordProto = GovChain.Protocol.WalRecord;

namespace GovChain.Node.Consensus;

/// <summary>Performing the machine's actions, in the order given.</summary>
public sealed partial class ConsensusDriver
{
    private void Perform(IReadOnlyList<ConsensusAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case WriteWal w:
                    // Synced before returning, hence before any later send of this batch.
                    _db.ConsensusWal.Append(WalHeight(w.Record), w.Record.ToByteArray());
                    break;
                case Broadcast b:
                    _network.Broadcast(b.Message);
                    break;
                case SendTo s:
                    _network.SendTo(s.Validator, s.Message);
                    break;
                case ScheduleTimeout t:
                    Schedule(t);
                    break;
                case RequestProposal r:
                    RequestProposal(r.Height, r.Round);
                    break;
                case ValidateBlock v:
                    Validate(v);
                    break;
                case CommitBlock c:
                    Commit(c);
                    break;
                case ReportEvidence e:
                    KeepEvidence(e.Evidence);
                    break;
                case Behind behind:
                    LogBehind(_logger, Height, behind.PeersHeight);
                    StartSync();
                    break;
                default:
                    throw new InvalidOperationException($"Unknown consensus action {action.GetType().Name}.");
            }
        }
    }

    private void Schedule(ScheduleTimeout t)
    {
        if (t.Kind == TimeoutKind.Propose && t.Round == 0)
        {
            NoteRoundZeroStarted(t.Height);
        }

        if (_timers.Remove(t.Kind, out var previous))
        {
            // A newer timer of the same kind supersedes it: the machine would ignore the old one as stale.
            previous.Dispose();
        }

        var fired = new TimeoutFired(t.Height, t.Round, t.Kind);
        _timers[t.Kind] = _time.CreateTimer(
            static s => { var (driver, e) = ((ConsensusDriver, TimeoutFired))s!; driver.Post(e); },
            (this, fired),
            t.Delay,
            Timeout.InfiniteTimeSpan);
    }

    private void RequestProposal(ulong height, uint round)
    {
        var wait = EmptyProposalWait(height, round);
        if (wait > TimeSpan.Zero && _pool.Count == 0)
        {
            _emptyBlockTimer?.Dispose();
            var now = new ProposeNow(height, round);
            lock (_proposalGate)
            {
                _waitingForTransactions = now;
            }

            _emptyBlockTimer = _time.CreateTimer(
                static s => { var (driver, e) = ((ConsensusDriver, ProposeNow))s!; driver.Post(e); },
                (this, now),
                wait,
                Timeout.InfiniteTimeSpan);
            return;
        }

        Propose(height, round);
    }

    /// <summary>Transactions entered the mempool: a proposal waiting for some is made now rather than after the empty-block delay.</summary>
    public void TransactionsArrived()
    {
        ProposeNow? waiting;
        lock (_proposalGate)
        {
            waiting = _waitingForTransactions;
            _waitingForTransactions = null;
        }

        if (waiting is not null)
        {
            Post(waiting);
        }

        ReleaseHeldTimeoutSoon();
    }

    private void Propose(ulong height, uint round)
    {
        var machine = _machine!;
        lock (_proposalGate)
        {
            _waitingForTransactions = null;
        }

        if (machine.Height != height || machine.Round != round || height != Height + 1 || _proposedAt == (height, round))
        {
            return;
        }

        _proposedAt = (height, round);
        var prepared = _executor.BuildProposal(height, PendingEvidence);
        LogProposing(_logger, height, round, prepared.Block.Transactions.Count);
        _followUps.Enqueue(new ProposalReady(height, round, prepared.Block));
    }

    private void Validate(ValidateBlock v)
    {
        if (v.Height != Height + 1)
        {
            return;
        }

        var problem = _executor.Validate(v.Block, v.BlockHash);
        if (problem is not null)
        {
            LogInvalidProposal(_logger, v.Height, v.Round, v.BlockHash.ToShortString(), problem);
            _metrics.MessagesRejected.Add(1, new KeyValuePair<string, object?>("reason", "invalid_block"));
        }

        _followUps.Enqueue(new BlockValidated(v.Height, v.BlockHash, problem is null));
    }

    private void Commit(CommitBlock c)
    {
        var height = c.Block.Header.Height;
        if (height <= Height)
        {
            // Block sync applied it first.
            _followUps.Enqueue(new CommitApplied(Height, _executor.Validators.For(Height + 1), _db.Blocks.GetCertificate(Height)));
            return;
        }

        _executor.Commit(c.Block, c.BlockHash, c.Certificate);
        Interlocked.Exchange(ref _committedHeight, (long)height);
        ForgetCommittedEvidence(c.Block);
        _db.ConsensusWal.TruncateBelow(height + 1);
        if (Volatile.Read(ref _following) && _key is not null)
        {
            FollowMembership();
            // Decided live after catching up: from the next height on, this node signs again.
            Volatile.Write(ref _following, false);
            _followUps.Clear();
            LogRejoined(_logger, height + 1);
            StartMachine();
            return;
        }

        FollowMembership();
        var next = _executor.Validators.For(height + 1);
        SetInputValidators(next);
        if (SignerChanges(next))
        {
            _followUps.Clear();
            LogSignerRotated(_logger, height + 1);
            StartMachine();
            return;
        }

        _followUps.Enqueue(new CommitApplied(height, next));
    }

    /// <summary>Hands the peer layer the departments of the state just committed; its failure is logged, never the loop's.</summary>
    private void FollowMembership()
    {
        try
        {
            _network.ApplyMembership(new Membership(_db.State.Height, GovChain.Contracts.Engine.ContractEngine.Departments(_db.State.Latest())));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogMembershipFailed(_logger, _db.State.Height, ex);
        }
    }

    private void KeepEvidence(Evidence evidence)
    {
        if (_evidence.Add(evidence))
        {
            LogEvidence(_logger, evidence.KindCase.ToString(), Height + 1);
        }
    }

    private void ForgetCommittedEvidence(Block block) => _evidence.OnCommitted(block.Header.Height, block.Evidence);

    private IEnumerable<WalRecordProto> ReadWal()
    {
        foreach (var stored in _db.ConsensusWal.ReadAll())
        {
            WalRecordProto record;
            try
            {
                record = WalRecordProto.Parser.ParseFrom(stored.Payload.Span);
            }
            catch (InvalidProtocolBufferException ex)
            {
                // The record passed the WAL's checksum, so it is what was written: skipping it
                // would forget a vote this validator may have signed.
                throw new StorageCorruptionException(
                    $"WAL record {stored.Sequence} of height {stored.Height} is intact but not a consensus record ({ex.Message}); the node will not sign without it.", ex);
            }

            yield return record;
        }
    }

    private static ulong WalHeight(WalRecordProto record) => record.KindCase switch
    {
        WalRecordProto.KindOneofCase.Vote => record.Vote.Height,
        WalRecordProto.KindOneofCase.Proposal => record.Proposal.Height,
        WalRecordProto.KindOneofCase.Lock => record.Lock.Height,
        _ => 0,
    };
}

using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// The rules of the protocol (the "upon" clauses of Buchman, Kwon and Milosevic, "The latest
/// gossip on BFT consensus", 2018), re-evaluated after every input until none applies.
/// </summary>
public sealed partial class ConsensusMachine
{
    // Each pass moves the step forward, starts a later round or schedules a timer once, so
    // a handful of passes suffices; the bound only guards against a logic error looping.
    private const int MaxProgressPasses = 64;

    private void Progress()
    {
        for (var pass = 0; pass < MaxProgressPasses && ProgressOnce(); pass++)
        {
        }
    }

    private bool ProgressOnce()
    {
        if (Step == RoundStep.Commit)
        {
            return false;
        }

        if (TryDecide() || TrySkipRound())
        {
            return true;
        }

        var rs = RoundAt(Round);
        if (Step == RoundStep.Propose && rs.Proposal is { } proposal && TryPrevoteProposal(rs, proposal))
        {
            return true;
        }

        if (Step == RoundStep.Prevote && !rs.PrevoteTimeoutScheduled && rs.Prevotes.HasQuorumAny)
        {
            rs.PrevoteTimeoutScheduled = true;
            Emit(new ScheduleTimeout(Height, Round, TimeoutKind.Prevote, _options.Timeouts.For(TimeoutKind.Prevote, Round)));
            return true;
        }

        if (Step >= RoundStep.Prevote && !rs.ProposalQuorumSeen && rs.Proposal is not null
            && ValidityOf(rs.ProposalHash) == BlockValidity.Valid && rs.Prevotes.HasQuorumFor(rs.ProposalHash))
        {
            rs.ProposalQuorumSeen = true;
            if (Step == RoundStep.Prevote)
            {
                Lock(rs.ProposalHash);
                Precommit(rs.ProposalHash);
            }

            _validValue = rs.ProposalHash;
            _validRound = (int)Round;
            return true;
        }

        if (Step == RoundStep.Prevote && rs.Prevotes.HasQuorumFor(null))
        {
            Precommit(null);
            return true;
        }

        if (!rs.PrecommitTimeoutScheduled && rs.Precommits.HasQuorumAny)
        {
            rs.PrecommitTimeoutScheduled = true;
            Emit(new ScheduleTimeout(Height, Round, TimeoutKind.Precommit, _options.Timeouts.For(TimeoutKind.Precommit, Round)));
            return true;
        }

        return false;
    }

    /// <summary>Prevote for the round's proposal, or nil if it is invalid or conflicts with our lock.</summary>
    private bool TryPrevoteProposal(RoundState rs, Proposal proposal)
    {
        var hash = rs.ProposalHash;
        var validity = ValidityOf(hash);
        if (proposal.PolRound == -1)
        {
            if (validity == BlockValidity.Pending)
            {
                return false;
            }

            Prevote(validity == BlockValidity.Valid && (_lockedRound == -1 || _lockedValue == hash) ? hash : null);
            return true;
        }

        var polRound = (uint)proposal.PolRound;
        if (ExistingRound(polRound) is not { } pol || !pol.Prevotes.HasQuorumFor(hash))
        {
            // Without the proof of lock the proposal waits (the proposer sends the prevotes
            // with it); the propose timeout ends the wait.
            return false;
        }

        if (validity == BlockValidity.Pending)
        {
            return false;
        }

        Prevote(validity == BlockValidity.Valid && (_lockedRound <= proposal.PolRound || _lockedValue == hash) ? hash : null);
        return true;
    }

    /// <summary>
    /// More than 2/3 precommitted one block at some round of this height: decide it, once this
    /// node holds it and found it valid. The node commits only what it validated: a block it
    /// lacks, or holds only in a form it found invalid (its unsigned body altered on the way),
    /// is fetched with its certificate by block sync.
    /// </summary>
    private bool TryDecide()
    {
        if (_decisionHash is not { } decided)
        {
            return false;
        }

        if (!_blocks.TryGetValue(decided, out var entry) || entry.Validity == BlockValidity.Invalid)
        {
            ReportBehind(Height + 1);
            return false;
        }

        if (entry.Validity == BlockValidity.Pending)
        {
            // The answer to ValidateBlock re-runs this rule.
            return false;
        }

        var certificate = _decisionCertificate
            ?? CommitCertificates.FromPrecommits(Height, _decisionRound, decided, RoundAt(_decisionRound).Precommits.VotesFor(decided));
        Step = RoundStep.Commit;
        _lastCommit = certificate;
        Emit(new CommitBlock(entry.Block, decided, certificate));
        return true;
    }

    /// <summary>Validators with more than a third of the power are in later rounds: join the latest such round.</summary>
    private bool TrySkipRound()
    {
        if (!_skipCheckPending)
        {
            return false;
        }

        _skipCheckPending = false;
        var rounds = new long[_peerRounds.Length];
        Array.Copy(_peerRounds, rounds, rounds.Length);
        var indices = Enumerable.Range(0, rounds.Length).ToArray();
        Array.Sort(rounds, indices);
        ulong power = 0;
        for (var i = rounds.Length - 1; i >= 0 && rounds[i] > Round; i--)
        {
            power += _validators[indices[i]].VotingPower;
            if (power > _validators.MaxFaultyPower)
            {
                StartRound((uint)rounds[i]);
                return true;
            }
        }

        return false;
    }

    private void OnVoteCounted(Vote vote, VoteSet set)
    {
        if (vote.Type == VoteType.Precommit && _decisionHash is null && _decisionCertificate is null && !vote.BlockHash.IsEmpty
            && set.QuorumBlock() is { } decided)
        {
            _decisionHash = decided;
            _decisionRound = vote.Round;
        }
    }

    private void HandleTimeout(TimeoutFired timeout)
    {
        if (timeout.Height != Height || timeout.Round != Round || Step == RoundStep.Commit)
        {
            return;
        }

        switch (timeout.Kind)
        {
            case TimeoutKind.Propose when Step == RoundStep.Propose:
                Prevote(null);
                break;
            case TimeoutKind.Prevote when Step == RoundStep.Prevote:
                Precommit(null);
                break;
            case TimeoutKind.Precommit when Round < uint.MaxValue:
                StartRound(Round + 1);
                break;
            case TimeoutKind.Retransmit:
                Retransmit();
                break;
            default:
                return;
        }

        Progress();
    }

    private void HandleBlockValidated(BlockValidated validated)
    {
        if (validated.Height != Height || !_blocks.TryGetValue(validated.BlockHash, out var entry) || entry.Validity != BlockValidity.Pending)
        {
            return;
        }

        entry.Validity = validated.IsValid ? BlockValidity.Valid : BlockValidity.Invalid;
        Progress();
    }

    private void HandleProposalReady(ProposalReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready.Block);
        if (ready.Block.Header is null || ready.Block.Header.Height != ready.Height || ready.Block.Header.ChainId != _options.ChainId)
        {
            throw new ArgumentException("The proposed block's header must carry the height and chain id it is proposed for.", nameof(ready));
        }

        var rs = RoundAt(Round);
        if (ready.Height != Height || ready.Round != Round || Step != RoundStep.Propose || rs.Proposal is not null
            || _myIndex < 0 || _schedule.ProposerIndex(Height, Round) != _myIndex)
        {
            return;
        }

        SignAndSendProposal(rs, ready.Block, -1);
        Progress();
    }

    private void ProposeOrRequest(RoundState rs)
    {
        if (rs.Proposal is not null)
        {
            // Restored from the WAL: never sign a second proposal for this round.
            SendOwnProposal(rs);
        }
        else if (_validValue is { } valid && _blocks.TryGetValue(valid, out var entry))
        {
            SignAndSendProposal(rs, entry.Block, _validRound);
        }
        else if (!rs.ProposalRequested)
        {
            rs.ProposalRequested = true;
            Emit(new RequestProposal(Height, Round));
        }
    }

    private void SignAndSendProposal(RoundState rs, Block block, int polRound)
    {
        var hash = block.Header.Hash();
        var signBytes = SignBytes.Proposal(_options.SigningId, Height, Round, polRound, hash);
        var proposal = new Proposal
        {
            Height = Height,
            Round = Round,
            PolRound = polRound,
            Block = block,
            Proposer = ByteString.CopyFrom(_signer!.PublicKey),
            Signature = SignToByteString(signBytes),
        };
        rs.Proposal = proposal;
        rs.ProposalHash = hash;
        if (!_blocks.TryGetValue(hash, out var entry))
        {
            _blocks.Add(hash, new BlockEntry(block, BlockValidity.Valid));
        }
        else
        {
            // Our own block (built by the node, or re-proposed as the valid value) needs no re-check.
            entry.Validity = BlockValidity.Valid;
        }

        Emit(new WriteWal(new WalRecord { Proposal = proposal }));
        SendOwnProposal(rs);
    }

    /// <summary>Broadcasts our proposal, preceded by the prevotes that prove its lock round so receivers can accept it.</summary>
    private void SendOwnProposal(RoundState rs)
    {
        var proposal = rs.Proposal!;
        if (proposal.PolRound >= 0 && ExistingRound((uint)proposal.PolRound) is { } pol)
        {
            foreach (var vote in pol.Prevotes.VotesFor(rs.ProposalHash))
            {
                Emit(new Broadcast(new ConsensusMessage { Vote = vote }));
            }
        }

        Emit(new Broadcast(new ConsensusMessage { Proposal = proposal }));
    }

    private void Prevote(Hash32? blockHash)
    {
        Step = RoundStep.Prevote;
        CastVote(VoteType.Prevote, blockHash);
    }

    private void Precommit(Hash32? blockHash)
    {
        Step = RoundStep.Precommit;
        CastVote(VoteType.Precommit, blockHash);
    }

    private void Lock(Hash32 blockHash)
    {
        _lockedValue = blockHash;
        _lockedRound = (int)Round;
        var set = RoundAt(Round).Precommits;
        if (_myIndex >= 0 && set[_myIndex] is null)
        {
            var record = new WalLock { Height = Height, Round = Round, Block = _blocks[blockHash].Block };
            record.Prevotes.AddRange(RoundAt(Round).Prevotes.VotesFor(blockHash));
            Emit(new WriteWal(new WalRecord { Lock = record }));
        }
    }

    /// <summary>
    /// Signs, logs and sends our vote for this round and step — unless one is already held
    /// (signed before a restart): then that one is sent again, and nothing new is signed.
    /// </summary>
    private void CastVote(VoteType type, Hash32? blockHash)
    {
        if (_myIndex < 0)
        {
            return;
        }

        var set = RoundAt(Round).Votes(type);
        if (set[_myIndex] is { } signed)
        {
            Emit(new Broadcast(new ConsensusMessage { Vote = signed }));
            return;
        }

        var vote = new Vote
        {
            Type = type,
            Height = Height,
            Round = Round,
            BlockHash = blockHash is { } h ? ByteString.CopyFrom(h.ToArray()) : ByteString.Empty,
            Validator = ByteString.CopyFrom(_signer!.PublicKey),
        };
        Span<byte> signBytes = stackalloc byte[SignBytes.MaxVoteSignBytes];
        var n = SignBytes.Vote(_options.SigningId, type, Height, Round, vote.BlockHash.Span, signBytes);
        vote.Signature = SignToByteString(signBytes[..n]);
        set.Add(_myIndex, vote, out _);
        Emit(new WriteWal(new WalRecord { Vote = vote }));
        Emit(new Broadcast(new ConsensusMessage { Vote = vote }));
        OnVoteCounted(vote, set);
    }

    private void Retransmit()
    {
        _caughtUpSinceRetransmit.Clear();

        // Peers ahead for a whole retransmit period while this round is still open: we missed
        // a decision (a follower is never sent a certificate), so sync.
        CheckBehindByClaims();
        var rs = RoundAt(Round);
        if (_myIndex >= 0)
        {
            if (rs.Proposal is not null && _schedule.ProposerIndex(Height, Round) == _myIndex)
            {
                SendOwnProposal(rs);
            }

            // With our precommit of the previous round: it is what lets a validator still in
            // that round (its copies lost) reach the quorum that ends it and join us.
            var previous = Round > 0 ? ExistingRound(Round - 1)?.Precommits[_myIndex] : null;
            foreach (var vote in (ReadOnlySpan<Vote?>)[previous, rs.Prevotes[_myIndex], rs.Precommits[_myIndex]])
            {
                if (vote is not null)
                {
                    Emit(new Broadcast(new ConsensusMessage { Vote = vote }));
                }
            }
        }

        Emit(new ScheduleTimeout(Height, Round, TimeoutKind.Retransmit, _options.Timeouts.For(TimeoutKind.Retransmit, Round)));
    }

    private ByteString SignToByteString(ReadOnlySpan<byte> signBytes)
    {
        var signature = new byte[SignatureSize];
        _signer!.Sign(signBytes, signature);
        return UnsafeByteOperations.UnsafeWrap(signature);
    }

    private BlockValidity ValidityOf(Hash32 hash) =>
        _blocks.TryGetValue(hash, out var entry) ? entry.Validity : BlockValidity.Pending;
}

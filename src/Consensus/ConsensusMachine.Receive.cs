using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>Admission of received messages: shape, height, membership, signature, equivocation.</summary>
public sealed partial class ConsensusMachine
{
    private const int SignatureSize = 64;

    private void HandleBytes(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > _options.MaxMessageBytes)
        {
            Drop(DropReason.TooLarge);
            return;
        }

        ConsensusMessage message;
        try
        {
            message = ConsensusMessage.Parser.ParseFrom(bytes.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            Drop(DropReason.Malformed);
            return;
        }

        HandleMessage(message);
    }

    private void HandleMessage(ConsensusMessage? message)
    {
        switch (message?.KindCase)
        {
            case ConsensusMessage.KindOneofCase.Vote:
                HandleVote(message.Vote, message);
                break;
            case ConsensusMessage.KindOneofCase.Proposal:
                HandleProposal(message.Proposal, message);
                break;
            case ConsensusMessage.KindOneofCase.Commit:
                HandleCommitCertificate(message.Commit);
                break;
            default:
                Drop(DropReason.Malformed);
                break;
        }
    }

    private void HandleVote(Vote vote, ConsensusMessage? wrapper)
    {
        if (vote.Type is not (VoteType.Prevote or VoteType.Precommit)
            || (vote.BlockHash.Length != 0 && vote.BlockHash.Length != Hash32.Size)
            || vote.Validator.Length != Hash32.Size
            || vote.Signature.Length != SignatureSize)
        {
            Drop(DropReason.Malformed);
            return;
        }

        if (vote.Height != Height)
        {
            OtherHeight(vote.Height, vote.Validator, wrapper ?? new ConsensusMessage { Vote = vote }, () => VerifyVote(vote));
            return;
        }

        if (!_validators.TryGetIndex(vote.Validator.Span, out var index))
        {
            Drop(DropReason.NotValidator);
            return;
        }

        if (Step == RoundStep.Commit)
        {
            return;
        }

        if (vote.Round > Round + (ulong)_options.MaxRoundsAhead)
        {
            FarRound(index, vote.Round, () => VerifyVote(vote));
            return;
        }

        var set = RoundAt(vote.Round).Votes(vote.Type);
        if (set.HoldsIdentical(index, vote))
        {
            Drop(DropReason.Duplicate);
            return;
        }

        if (!VerifyVote(vote))
        {
            Drop(DropReason.BadSignature);
            return;
        }

        switch (set.Add(index, vote, out var existing))
        {
            case VoteAddResult.Conflict:
                RecordEvidence(
                    vote.Validator.Span,
                    vote.Round,
                    (int)vote.Type,
                    new Evidence { DuplicateVote = new DuplicateVoteEvidence { VoteA = existing, VoteB = vote } });
                Drop(DropReason.Equivocation);
                if (set.AddConflicting(index, vote))
                {
                    OnVoteCounted(vote, set);
                    Progress();
                }

                return;
            case VoteAddResult.Duplicate:
                Drop(DropReason.Duplicate);
                return;
        }

        OnVoteCounted(vote, set);
        NotePeerRound(index, vote.Round);
        Progress();
    }

    private void HandleProposal(Proposal proposal, ConsensusMessage? wrapper)
    {
        if (proposal.Block?.Header is null
            || proposal.Proposer.Length != Hash32.Size
            || proposal.Signature.Length != SignatureSize
            || proposal.PolRound < -1
            || (proposal.PolRound >= 0 && (uint)proposal.PolRound >= proposal.Round)
            || proposal.Block.Header.Height != proposal.Height
            || proposal.Block.Header.ChainId != _options.ChainId)
        {
            Drop(DropReason.Malformed);
            return;
        }

        if (proposal.Height != Height)
        {
            OtherHeight(proposal.Height, proposal.Proposer, wrapper ?? new ConsensusMessage { Proposal = proposal }, () => VerifyProposal(proposal, proposal.Block.Header.Hash()));
            return;
        }

        if (!_validators.TryGetIndex(proposal.Proposer.Span, out var index))
        {
            Drop(DropReason.NotValidator);
            return;
        }

        if (index != _schedule.ProposerIndex(Height, proposal.Round))
        {
            Drop(DropReason.WrongProposer);
            return;
        }

        if (Step == RoundStep.Commit)
        {
            return;
        }

        var blockHash = proposal.Block.Header.Hash();
        if (proposal.Round > Round + (ulong)_options.MaxRoundsAhead)
        {
            FarRound(index, proposal.Round, () => VerifyProposal(proposal, blockHash));
            return;
        }

        var rs = RoundAt(proposal.Round);
        if (rs.Proposal is { } held && held.Signature.Equals(proposal.Signature) && rs.ProposalHash == blockHash)
        {
            Drop(DropReason.Duplicate);
            return;
        }

        if (!VerifyProposal(proposal, blockHash))
        {
            Drop(DropReason.BadSignature);
            return;
        }

        if (rs.Proposal is { } first)
        {
            RecordEvidence(
                proposal.Proposer.Span,
                proposal.Round,
                0,
                new Evidence { DuplicateProposal = new DuplicateProposalEvidence { ProposalA = first, ProposalB = proposal } });
            Drop(DropReason.Equivocation);
            return;
        }

        rs.Proposal = proposal;
        rs.ProposalHash = blockHash;
        if (!_blocks.ContainsKey(blockHash))
        {
            _blocks.Add(blockHash, new BlockEntry(proposal.Block, BlockValidity.Pending));
            Emit(new ValidateBlock(Height, proposal.Round, blockHash, proposal.Block));
        }

        NotePeerRound(index, proposal.Round);
        Progress();
    }

    /// <summary>
    /// A certificate for this height, sent by a peer that has decided it. It is checked as a
    /// whole and decides the height by itself: counting its precommits one by one would fail
    /// when an equivocating validator's signature in it conflicts with the vote we hold.
    /// </summary>
    private void HandleCommitCertificate(CommitCertificate certificate)
    {
        if (certificate.BlockHash.Length != Hash32.Size || certificate.Signatures.Count > _validators.Count)
        {
            Drop(DropReason.Malformed);
            return;
        }

        if (certificate.Height != Height)
        {
            Drop(certificate.Height < Height ? DropReason.StaleHeight : DropReason.FarFutureHeight);
            return;
        }

        if (Step == RoundStep.Commit || _decisionCertificate is not null)
        {
            Drop(DropReason.Duplicate);
            return;
        }

        var blockHash = new Hash32(certificate.BlockHash.Span);
        var check = CertificateVerifier.Verify(certificate, _validators, _options.ChainId, Height, blockHash, _verifier);
        if (!check.IsValid)
        {
            Drop(DropReason.BadSignature);
            return;
        }

        _decisionHash = blockHash;
        _decisionRound = certificate.Round;
        _decisionCertificate = certificate;
        Progress();
    }

    /// <summary>A message for another height: help a laggard, buffer the next height, or learn that we are behind.</summary>
    private void OtherHeight(ulong height, ByteString validator, ConsensusMessage message, Func<bool> verify)
    {
        if (height < Height)
        {
            if (height + 1 == Height)
            {
                HelpLaggard(validator);
            }

            Drop(DropReason.StaleHeight);
            return;
        }

        var isNext = height == Height + 1;
        if (isNext)
        {
            if (_nextHeightBuffer.Count >= _options.MaxBufferedMessages)
            {
                Drop(DropReason.BufferFull);
                return;
            }

            _nextHeightBuffer.Add(message);
        }
        else
        {
            Drop(DropReason.FarFutureHeight);
        }

        // Only a validator's claim counts towards "we are behind", checked against the current
        // set (the next one is not known yet), one signature check per validator per height.
        if (!_validators.TryGetIndex(validator.Span, out var index) || height <= _peerHeights[index])
        {
            return;
        }

        if (isNext)
        {
            // Usual right after a peer commits: check it only if we are still undecided at the
            // next retransmit (see Retransmit), not on the hot path.
            _nextHeightClaims[index] ??= verify;
        }
        else if (verify())
        {
            // Two or more heights ahead: no decision of ours can close that gap, sync now.
            _peerHeights[index] = height;
            CheckBehind(Height + 2);
        }
    }

    /// <summary>
    /// Called while this round is still open after a retransmit period: checks the pending
    /// next-height claims, then reports the highest height any validator of our set has shown
    /// (signed) to be at. One validator is enough here, unlike the immediate rule: after a
    /// validator-set change the validators still voting may hold little power in the set we
    /// know, and a claim only makes the node try block sync, which verifies every certificate.
    /// </summary>
    private void CheckBehindByClaims()
    {
        ulong highest = 0;
        for (var i = 0; i < _nextHeightClaims.Length; i++)
        {
            if (_nextHeightClaims[i] is { } claim && _peerHeights[i] <= Height)
            {
                if (claim())
                {
                    _peerHeights[i] = Height + 1;
                }

                _nextHeightClaims[i] = null;
            }

            highest = Math.Max(highest, _peerHeights[i]);
        }

        if (highest > Height)
        {
            ReportBehind(highest);
        }
    }

    /// <summary>
    /// A validator still votes at the height we decided last: send it our certificate, at
    /// most once per key per retransmit period (and to a bounded number of keys) so a flood
    /// of old votes costs little. The key is not checked: the certificate is public, and it
    /// goes to the key's holder, not to whoever sent the vote.
    /// </summary>
    private void HelpLaggard(ByteString validator)
    {
        if (_lastCommit is null || _caughtUpSinceRetransmit.Count >= (4 * _validators.Count) + 16)
        {
            return;
        }

        var key = new Hash32(validator.Span);
        if (_caughtUpSinceRetransmit.Add(key))
        {
            Emit(new SendTo(key, new ConsensusMessage { Commit = _lastCommit }));
        }
    }

    /// <summary>
    /// Peers holding more than a third of the power (so at least one honest) vote at heights
    /// of at least <paramref name="minimum"/>: report the highest height such a group has reached.
    /// </summary>
    private void CheckBehind(ulong minimum)
    {
        var order = new ulong[_peerHeights.Length];
        Array.Copy(_peerHeights, order, order.Length);
        var indices = Enumerable.Range(0, order.Length).ToArray();
        Array.Sort(order, indices);
        ulong power = 0;
        for (var i = order.Length - 1; i >= 0 && order[i] >= minimum; i--)
        {
            power += _validators[indices[i]].VotingPower;
            if (power > _validators.MaxFaultyPower)
            {
                ReportBehind(order[i]);
                return;
            }
        }
    }

    private void ReportBehind(ulong peersHeight)
    {
        if (peersHeight > _behindReported)
        {
            _behindReported = peersHeight;
            Emit(new Behind(peersHeight));
        }
    }

    private void FarRound(int index, uint round, Func<bool> verify)
    {
        // Only a round later than this validator's last claim is news worth a signature check.
        if (round <= _peerRounds[index])
        {
            Drop(DropReason.FarFutureRound);
            return;
        }

        if (!verify())
        {
            Drop(DropReason.BadSignature);
            return;
        }

        Drop(DropReason.FarFutureRound);
        NotePeerRound(index, round);
        Progress();
    }

    private void NotePeerRound(int index, uint round)
    {
        if (round > _peerRounds[index])
        {
            _peerRounds[index] = round;
            if (round > Round)
            {
                _skipCheckPending = true;
            }
        }
    }

    private void RecordEvidence(ReadOnlySpan<byte> validator, uint round, int kind, Evidence evidence)
    {
        if (!_evidenceSeen.Add((new Hash32(validator), round, kind)))
        {
            return;
        }

        if (_evidence.Count >= _options.MaxEvidence)
        {
            _evidence.RemoveAt(0);
        }

        // Canonical, so that every node that saw this pair reports the same bytes.
        var canonical = EvidenceCanonicalForm.Canonicalize(evidence);
        _evidence.Add(canonical);
        Emit(new ReportEvidence(canonical));
    }

    private bool VerifyVote(Vote vote)
    {
        Span<byte> buffer = stackalloc byte[SignBytes.MaxVoteSignBytes];
        var n = SignBytes.Vote(_options.ChainId, vote.Type, vote.Height, vote.Round, vote.BlockHash.Span, buffer);
        return _verifier.Verify(vote.Validator.Span, buffer[..n], vote.Signature.Span);
    }

    private bool VerifyProposal(Proposal proposal, Hash32 blockHash)
    {
        var bytes = SignBytes.Proposal(_options.ChainId, proposal.Height, proposal.Round, proposal.PolRound, blockHash);
        return _verifier.Verify(proposal.Proposer.Span, bytes, proposal.Signature.Span);
    }
}

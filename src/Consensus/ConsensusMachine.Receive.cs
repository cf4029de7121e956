using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>Admission of received messages: shape, height, membership, signature, equivocation.</summary>
public sealed partial class ConsensusMachine
{
    private const int SignatureSize = 64;

    // Re-validations of another body for a header whose block was found invalid, per block.
    private const int MaxBodyReplacements = 2;

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
            OtherHeight(vote.Height, vote.Validator, vote.Signature, wrapper ?? new ConsensusMessage { Vote = vote }, () => VerifyVote(vote));
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
                    new Evidence { DuplicateVote = new DuplicateVoteEvidence { VoteA = SignedFieldsOf(existing!), VoteB = SignedFieldsOf(vote) } });
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
        // A fresh proposal (no proof of lock) is its block's first: the header must name its
        // signer, the round's proposer. A re-proposal (pol_round >= 0) carries a block that
        // gathered a prevote quorum, so was first accepted under this rule, from its proposer.
        if (proposal.Block?.Header is null
            || proposal.Proposer.Length != Hash32.Size
            || proposal.Signature.Length != SignatureSize
            || proposal.PolRound < -1
            || (proposal.PolRound >= 0 && (uint)proposal.PolRound >= proposal.Round)
            || proposal.Block.Header.Height != proposal.Height
            || proposal.Block.Header.ChainId != _options.ChainId
            || (proposal.PolRound == -1 && !proposal.Block.Header.Proposer.Equals(proposal.Proposer)))
        {
            Drop(DropReason.Malformed);
            return;
        }

        // No node accepts a block over the bound: drop it before any hashing or signature check.
        if (proposal.Block.CalculateSize() > _options.MaxBlockBytes)
        {
            Drop(DropReason.TooLarge);
            return;
        }

        if (proposal.Height != Height)
        {
            OtherHeight(proposal.Height, proposal.Proposer, proposal.Signature, wrapper ?? new ConsensusMessage { Proposal = proposal }, () => VerifyProposal(proposal, proposal.Block.Header.Hash()));
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
            // The same signed proposal, so the same signature check. Its body is not signed:
            // when the copy held was found invalid, this one may be the unaltered block.
            if (!TryReplaceInvalidBody(proposal.Round, blockHash, proposal.Block))
            {
                Drop(DropReason.Duplicate);
            }

            return;
        }

        if (!VerifyProposal(proposal, blockHash))
        {
            Drop(DropReason.BadSignature);
            return;
        }

        if (rs.Proposal is { } first)
        {
            // The evidence is what both proposals signed, not their blocks: its size is fixed
            // whatever a proposer puts in the blocks.
            RecordEvidence(
                proposal.Proposer.Span,
                proposal.Round,
                0,
                new Evidence
                {
                    DuplicateProposal = new DuplicateProposalEvidence
                    {
                        ProposalA = ProposalDigests.Of(first, rs.ProposalHash),
                        ProposalB = ProposalDigests.Of(proposal, blockHash),
                    },
                });
            Drop(DropReason.Equivocation);
            return;
        }

        if (BlockHashing.CheckBodyAgainstHeader(proposal.Block) is not null)
        {
            Drop(DropReason.BodyMismatch);
            return;
        }

        rs.Proposal = proposal;
        rs.ProposalHash = blockHash;
        if (!_blocks.ContainsKey(blockHash))
        {
            _blocks.Add(blockHash, new BlockEntry(proposal.Block, BlockValidity.Pending));
            Emit(new ValidateBlock(Height, proposal.Round, blockHash, proposal.Block));
        }
        else
        {
            TryReplaceInvalidBody(proposal.Round, blockHash, proposal.Block);
        }

        NotePeerRound(index, proposal.Round);
        Progress();
    }

    /// <summary>
    /// A block found invalid may have had its unsigned body altered on the way (a transaction's
    /// signature, which the tx root does not cover): another body that matches the signed
    /// header is checked again, a bounded number of times per block. False when the body is
    /// not a candidate (the held one is valid or pending, or this body is the same).
    /// </summary>
    private bool TryReplaceInvalidBody(uint round, Hash32 blockHash, Block block)
    {
        if (!_blocks.TryGetValue(blockHash, out var entry) || entry.Validity != BlockValidity.Invalid
            || entry.BodyReplacements >= MaxBodyReplacements || entry.Block.Equals(block))
        {
            return false;
        }

        if (BlockHashing.CheckBodyAgainstHeader(block) is not null)
        {
            Drop(DropReason.BodyMismatch);
            return true;
        }

        entry.Block = block;
        entry.Validity = BlockValidity.Pending;
        entry.BodyReplacements++;
        Emit(new ValidateBlock(Height, round, blockHash, block));
        return true;
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
        var check = CertificateVerifier.Verify(certificate, _validators, _options.SigningId, Height, blockHash, _verifier);
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
    /// <remarks>
    /// Membership is checked against the current set, though the next height's may differ:
    /// it is the only set this machine knows, and erring there costs little. A validator that
    /// joins at the next height is not buffered, but it retransmits what it signed every
    /// period, so its messages arrive again once this node is there; one that leaves has its
    /// buffered messages dropped on replay, when membership is checked against the new set.
    /// </remarks>
    private void OtherHeight(ulong height, ByteString validator, ByteString signature, ConsensusMessage message, Func<bool> verify)
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
        if (!_validators.TryGetIndex(validator.Span, out var index))
        {
            Drop(isNext ? DropReason.NotValidator : DropReason.FarFutureHeight);
            return;
        }

        if (!isNext)
        {
            Drop(DropReason.FarFutureHeight);

            // Two or more heights ahead: no decision of ours can close that gap, sync now. One
            // signature check per validator per height (only a later claim is news).
            if (height > _peerHeights[index] && verify())
            {
                _peerHeights[index] = height;
                CheckBehind(Height + 2);
            }

            return;
        }

        if (_nextHeightBuffer.Holds(index, signature.Span))
        {
            Drop(DropReason.Duplicate);
            return;
        }

        var bytes = message.CalculateSize();
        if (!_nextHeightBuffer.Fits(index, bytes))
        {
            Drop(DropReason.BufferFull);

            // Usual right after a peer commits: check the claim only if we are still undecided
            // at the next retransmit (see Retransmit), not on the hot path.
            if (_peerHeights[index] <= Height)
            {
                _nextHeightClaims[index] ??= verify;
            }

            return;
        }

        // Checked now, so that a forger cannot fill a validator's share; not again on replay.
        if (!verify())
        {
            Drop(DropReason.BadSignature);
            return;
        }

        _nextHeightBuffer.Add(index, message, bytes);
        _peerHeights[index] = Math.Max(_peerHeights[index], height);
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

    /// <summary>
    /// A copy with only the fields a vote's signature covers, and its signature: what a sender
    /// added beyond them (unknown fields survive parsing) must not ride into evidence and blocks.
    /// </summary>
    private static Vote SignedFieldsOf(Vote vote) => new()
    {
        Type = vote.Type,
        Height = vote.Height,
        Round = vote.Round,
        BlockHash = vote.BlockHash,
        Validator = vote.Validator,
        Signature = vote.Signature,
    };

    private bool VerifyVote(Vote vote)
    {
        if (_replayingVerified)
        {
            return true;
        }

        Span<byte> buffer = stackalloc byte[SignBytes.MaxVoteSignBytes];
        var n = SignBytes.Vote(_options.SigningId, vote.Type, vote.Height, vote.Round, vote.BlockHash.Span, buffer);
        return _verifier.Verify(vote.Validator.Span, buffer[..n], vote.Signature.Span);
    }

    private bool VerifyProposal(Proposal proposal, Hash32 blockHash)
    {
        if (_replayingVerified)
        {
            return true;
        }

        var bytes = SignBytes.Proposal(_options.SigningId, proposal.Height, proposal.Round, proposal.PolRound, blockHash);
        return _verifier.Verify(proposal.Proposer.Span, bytes, proposal.Signature.Span);
    }
}

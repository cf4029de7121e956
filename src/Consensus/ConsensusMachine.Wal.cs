using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>Restart: rebuilding what this validator signed at the current height from its write-ahead log.</summary>
public sealed partial class ConsensusMachine
{
    /// <summary>
    /// Replays the validator's WAL records, in the order they were written, before
    /// <see cref="Start"/>. Records of other heights, or signed by another key, are skipped.
    /// Afterwards the machine holds every vote and proposal it signed at this height (and
    /// sends those again instead of signing anything different at the same round and step),
    /// its lock, and the latest round it reached. Returns the number of records used.
    /// </summary>
    public int Restore(IEnumerable<WalRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (_started)
        {
            throw new InvalidOperationException("Restore the WAL before starting the machine.");
        }

        var used = 0;
        var round = Round;
        foreach (var record in records)
        {
            if (record is null)
            {
                continue;
            }

            var restoredRound = record.KindCase switch
            {
                WalRecord.KindOneofCase.Vote => RestoreVote(record.Vote),
                WalRecord.KindOneofCase.Proposal => RestoreProposal(record.Proposal),
                WalRecord.KindOneofCase.Lock => RestoreLock(record.Lock),
                _ => null,
            };
            if (restoredRound is { } r)
            {
                used++;
                round = Math.Max(round, r);
            }
        }

        Round = round;
        return used;
    }

    private uint? RestoreVote(Vote vote)
    {
        if (vote.Height != Height || !IsMine(vote.Validator.Span) || vote.Type is not (VoteType.Prevote or VoteType.Precommit))
        {
            return null;
        }

        var set = RoundAt(vote.Round).Votes(vote.Type);
        set.Add(_myIndex, vote, out _);
        OnVoteCounted(vote, set);
        return vote.Round;
    }

    private uint? RestoreProposal(Proposal proposal)
    {
        if (proposal.Height != Height || !IsMine(proposal.Proposer.Span) || proposal.Block?.Header is null)
        {
            return null;
        }

        var rs = RoundAt(proposal.Round);
        if (rs.Proposal is not null)
        {
            return null;
        }

        var hash = proposal.Block.Header.Hash();
        rs.Proposal = proposal;
        rs.ProposalHash = hash;
        _blocks.TryAdd(hash, new BlockEntry(proposal.Block, BlockValidity.Valid));
        return proposal.Round;
    }

    private uint? RestoreLock(WalLock record)
    {
        if (record.Height != Height || record.Block?.Header is null || _myIndex < 0)
        {
            return null;
        }

        if ((int)record.Round >= _lockedRound)
        {
            var hash = record.Block.Header.Hash();
            _blocks.TryAdd(hash, new BlockEntry(record.Block, BlockValidity.Valid));
            _lockedValue = hash;
            _lockedRound = (int)record.Round;
            _validValue = hash;
            _validRound = (int)record.Round;
            var prevotes = RoundAt(record.Round).Prevotes;
            foreach (var vote in record.Prevotes)
            {
                // Our own log: these were checked when received. Only their shape is re-checked.
                if (vote.Type == VoteType.Prevote && vote.Height == Height && vote.Round == record.Round
                    && hash.Equals(vote.BlockHash.Span) && _validators.TryGetIndex(vote.Validator.Span, out var index))
                {
                    prevotes.Add(index, vote, out _);
                }
            }
        }

        return record.Round;
    }

    private bool IsMine(ReadOnlySpan<byte> key) => _myIndex >= 0 && _myKey is { } mine && mine.Equals(key);
}

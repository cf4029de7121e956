using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Simulation.Tests;

/// <summary>The simulated network (loss, delay, duplication, reordering, partitions) and the Byzantine senders.</summary>
public sealed partial class Simulator
{
    /// <summary>Sends from <paramref name="node"/> to <paramref name="target"/> (or to all others when -1), Byzantine nodes altering what they send.</summary>
    private void SendFromNode(SimNode node, ConsensusMessage message, int target)
    {
        switch (node.Byzantine)
        {
            case ByzantineKind.EquivocatingProposer when message.Proposal is { } p && node.Key.Equals(p.Proposer.Span):
                SplitSend(node, message, new ConsensusMessage { Proposal = ConflictingProposal(node, p) }, target);
                return;
            case ByzantineKind.DoubleVoter when message.Vote is { } v && node.Key.Equals(v.Validator.Span):
                SplitSend(node, message, new ConsensusMessage { Vote = Resign(node, v, OtherHash(v)) }, target);
                return;
            case ByzantineKind.RandomHashVoter when message.Vote is { } v && node.Key.Equals(v.Validator.Span):
                SendAll(node, new ConsensusMessage { Vote = Resign(node, v, RandomHash()) }, target);
                return;
            default:
                SendAll(node, message, target);
                return;
        }
    }

    private void SplitSend(SimNode node, ConsensusMessage a, ConsensusMessage b, int target)
    {
        for (var j = 0; j < _nodes.Length; j++)
        {
            if (j != node.Index && (target < 0 || j == target))
            {
                // Some receivers get one version, some the other, some both (and can prove it).
                var pick = _net.Next(3);
                if (pick != 1)
                {
                    Send(node, j, a);
                }

                if (pick != 0)
                {
                    Send(node, j, b);
                }
            }
        }
    }

    private void SendAll(SimNode node, ConsensusMessage message, int target)
    {
        object payload = _scenario.WireBytes ? message.ToByteArray() : message;
        for (var j = 0; j < _nodes.Length; j++)
        {
            if (j != node.Index && (target < 0 || j == target))
            {
                Send(node, j, payload);
            }
        }
    }

    private void Send(SimNode from, int to, object payload)
    {
        if (payload is ConsensusMessage m && _scenario.WireBytes)
        {
            payload = m.ToByteArray();
        }

        from.MessagesSent++;
        if (!Reachable(from.Index, to) || (!_healed && _net.Chance(_scenario.Loss)))
        {
            return;
        }

        Schedule(_now + _net.Between(_scenario.MinDelayMs, _scenario.MaxDelayMs), new SimEvent(SimEventKind.Deliver, to, 0, payload));
        if (!_healed && _net.Chance(_scenario.Duplicate))
        {
            Schedule(_now + _net.Between(_scenario.MinDelayMs, _scenario.MaxDelayMs * 2), new SimEvent(SimEventKind.Deliver, to, 0, payload));
        }
    }

    private bool Reachable(int a, int b)
    {
        if (_healed)
        {
            return true;
        }

        foreach (var p in _scenario.Partitions)
        {
            if (_now >= p.StartMs && _now < p.EndMs && p.SideB[a] != p.SideB[b])
            {
                return false;
            }
        }

        return true;
    }

    private Proposal ConflictingProposal(SimNode node, Proposal original)
    {
        var block = original.Block.Clone();
        block.Header.TimeUnixMs += 1 + _net.Next(1000);
        var hash = block.Header.Hash();
        _checker.OnBuilt(hash);
        var signBytes = SignBytes.Proposal(ChainId, original.Height, original.Round, original.PolRound, hash);
        var signature = new byte[64];
        node.Signer.Sign(signBytes, signature);
        return new Proposal
        {
            Height = original.Height,
            Round = original.Round,
            PolRound = original.PolRound,
            Block = block,
            Proposer = original.Proposer,
            Signature = ByteString.CopyFrom(signature),
        };
    }

    private Vote Resign(SimNode node, Vote original, ByteString blockHash)
    {
        var vote = new Vote
        {
            Type = original.Type,
            Height = original.Height,
            Round = original.Round,
            BlockHash = blockHash,
            Validator = original.Validator,
        };
        var signature = new byte[64];
        node.Signer.Sign(SignBytes.Vote(ChainId, vote), signature);
        vote.Signature = ByteString.CopyFrom(signature);
        return vote;
    }

    private ByteString OtherHash(Vote vote) => vote.BlockHash.IsEmpty ? RandomHash() : ByteString.Empty;

    private ByteString RandomHash()
    {
        var bytes = new byte[Hash32.Size];
        _net.Fill(bytes);
        return ByteString.CopyFrom(bytes);
    }
}

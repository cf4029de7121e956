using GovChain.Core.Blocks;
using GovChain.Protocol;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>
/// Issue #11 attack 1. As proposer, sends every peer two different proposals for the round,
/// each validly signed and 8 and 8.5 MiB large (each under the peer message bound of 16 MiB,
/// the two together over it): the node's own block padded with junk transactions, its header
/// made to match the padded body. The pair goes out on the first send and again every second
/// retransmission, so that both reach the peers while the height is still open (a second one
/// arriving after the decision is stale and harmless); the honest proposal never leaves.
/// </summary>
internal sealed class OversizedEquivocation : Attack
{
    private const long SmallBytes = 8L * 1024 * 1024;
    private const long LargeBytes = 17L * 512 * 1024;
    private const int ResendEvery = 2;
    private readonly Lock _gate = new();
    private (ulong Height, uint Round) _round;
    private ConsensusMessage[] _pair = [];
    private int _sends;

    public override string Mode => "oversized-equivocation";

    public override bool OnOwnProposal(Proposal proposal, AttackContext context)
    {
        ConsensusMessage[] pair;
        lock (_gate)
        {
            if (_round != (proposal.Height, proposal.Round) || _pair.Length == 0)
            {
                _round = (proposal.Height, proposal.Round);
                _pair = [Padded(proposal, context, SmallBytes, 1), Padded(proposal, context, LargeBytes, 2)];
                _sends = 0;
            }

            if (_sends++ % ResendEvery != 0)
            {
                return true;
            }

            pair = _pair;
        }

        foreach (var peer in context.PeerKeys())
        {
            foreach (var message in pair)
            {
                context.Network.SendTo(peer, message);
            }
        }

        AttackLog.Struck(context.Logger, Mode, proposal.Height, proposal.Round,
            $"sent two proposals of {pair[0].CalculateSize()} and {pair[1].CalculateSize()} bytes to every peer");
        return true;
    }

    private static ConsensusMessage Padded(Proposal proposal, AttackContext context, long bytes, int variant)
    {
        var block = proposal.Block.Clone();
        JunkTransactions.Inflate(block, bytes, variant);
        return new ConsensusMessage { Proposal = Votes.SignProposal(context.SigningId, proposal.Height, proposal.Round, proposal.PolRound, block, context.Key) };
    }
}

using GovChain.Protocol;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>
/// Issue #11 attack 2. As proposer, sends one peer (each in turn) the signed
/// header of its proposal over another body — its own transactions dropped for a junk one,
/// so the body no longer matches the header — and the others the real proposal. Every later
/// send of that proposal (the retransmissions) gives the victim the real one too. The
/// signature is the real one: it covers the header only.
/// </summary>
internal sealed class BodySwap : Attack
{
    private readonly Lock _gate = new();
    private (ulong Height, uint Round) _round;
    private ConsensusMessage? _swapped;
    private int _strikes;

    public override string Mode => "body-swap";

    public override bool OnOwnProposal(Proposal proposal, AttackContext context)
    {
        var peers = context.PeerKeys();
        if (peers.Count == 0)
        {
            return false;
        }

        ConsensusMessage? swapped = null;
        lock (_gate)
        {
            if (_round != (proposal.Height, proposal.Round))
            {
                _round = (proposal.Height, proposal.Round);
                var other = proposal.Clone();
                other.Block.Transactions.Clear();
                other.Block.Transactions.Add(JunkTransactions.Create(proposal.Height, proposal.Round, variant: 3, index: 0));
                swapped = _swapped = new ConsensusMessage { Proposal = other };
            }
        }

        if (swapped is null)
        {
            // A retransmission: now every peer, the victim included, gets the real proposal.
            return false;
        }

        var victim = peers[Interlocked.Increment(ref _strikes) % peers.Count];
        var real = new ConsensusMessage { Proposal = proposal };
        foreach (var peer in peers)
        {
            context.Network.SendTo(peer, peer == victim ? swapped : real);
        }

        var department = context.Network.Peers.First(p => p.ValidatorKey == victim).DepartmentId;
        AttackLog.Struck(context.Logger, Mode, proposal.Height, proposal.Round,
            $"sent {department} the signed header over another body ({proposal.Block.Transactions.Count} transactions replaced by 1)");
        return true;
    }
}

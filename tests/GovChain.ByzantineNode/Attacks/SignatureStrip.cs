using Google.Protobuf;
using GovChain.Protocol;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>
/// Issue #11 attack 3. As proposer, proposes its block — transactions clients signed, which
/// reached this node by gossip and so sit in the honest pools too — with every transaction's
/// signature replaced by forged bytes. A transaction's id and the tx root hash the body only,
/// so header, block hash and proposal signature stay those of the real block.
/// </summary>
internal sealed class SignatureStrip : Attack
{
    private readonly Lock _gate = new();
    private (ulong Height, uint Round) _round;
    private ConsensusMessage? _forged;

    public override string Mode => "signature-strip";

    public override bool OnOwnProposal(Proposal proposal, AttackContext context)
    {
        if (proposal.Block.Transactions.Count == 0)
        {
            return false;
        }

        ConsensusMessage forged;
        var first = false;
        lock (_gate)
        {
            if (_round != (proposal.Height, proposal.Round) || _forged is null)
            {
                _round = (proposal.Height, proposal.Round);
                var other = proposal.Clone();
                foreach (var tx in other.Block.Transactions)
                {
                    tx.Signature = Forge(tx.Signature);
                }

                _forged = new ConsensusMessage { Proposal = other };
                first = true;
            }

            forged = _forged;
        }

        context.Network.Broadcast(forged);
        if (first)
        {
            AttackLog.Struck(context.Logger, Mode, proposal.Height, proposal.Round,
                $"proposed {proposal.Block.Transactions.Count} client transactions with forged signatures");
        }

        return true;
    }

    /// <summary>The real signature with every bit flipped: the right length, signing nothing.</summary>
    private static ByteString Forge(ByteString signature)
    {
        var bytes = signature.ToByteArray();
        if (bytes.Length == 0)
        {
            bytes = new byte[64];
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0xFF;
        }

        return UnsafeByteOperations.UnsafeWrap(bytes);
    }
}

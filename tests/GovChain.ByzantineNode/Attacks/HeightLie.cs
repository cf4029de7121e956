using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Protocol;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>
/// Issue #11 attack 5. Tells every peer it has committed height 2^64 − 1 (in the handshake
/// and every status report), and keeps sending messages it really signed for far-future
/// heights up to 2^64 − 1: prevotes, precommits and a proposal whose block claims that height.
/// </summary>
internal sealed class HeightLie : Attack
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(200);
    private const int LogEvery = 25;

    public override string Mode => "height-lie";

    public override ulong ReportedHeight(ulong honestHeight) => ulong.MaxValue;

    public override async Task RunAsync(AttackContext context, CancellationToken stop)
    {
        for (var tick = 0; !stop.IsCancellationRequested; tick++)
        {
            var height = context.Height + 1;
            ulong[] heights = [height + 2, height + 1000, uint.MaxValue, ulong.MaxValue - 1, ulong.MaxValue];
            var messages = new List<ConsensusMessage>();
            foreach (var h in heights)
            {
                messages.Add(new ConsensusMessage { Vote = Votes.Sign(context.SigningId, VoteType.Prevote, h, 0, null, context.Key) });
                messages.Add(new ConsensusMessage { Vote = Votes.Sign(context.SigningId, VoteType.Precommit, h, 0, null, context.Key) });
            }

            messages.Add(new ConsensusMessage { Proposal = FarProposal(context, ulong.MaxValue) });
            foreach (var message in messages)
            {
                context.Network.Broadcast(message);
            }

            if (tick % LogEvery == 0)
            {
                AttackLog.Struck(context.Logger, Mode, height, 0, $"claims height {ulong.MaxValue}; sent {messages.Count} signed messages for heights up to it");
            }

            await Task.Delay(Every, stop).ConfigureAwait(false);
        }
    }

    private static Proposal FarProposal(AttackContext context, ulong height)
    {
        var block = new Block
        {
            Header = new BlockHeader
            {
                ChainId = context.ChainId,
                Height = height,
                TimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                Proposer = ByteString.CopyFrom(context.Key.PublicKey),
            },
        };
        return Votes.SignProposal(context.SigningId, height, 0, -1, block, context.Key);
    }
}

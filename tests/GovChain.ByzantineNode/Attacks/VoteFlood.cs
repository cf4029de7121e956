using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>
/// Issue #11 attack 4. Floods every peer, as fast as the peer queues take them, with votes:
/// in every validator's name with bytes for signatures, at the current, next and later
/// heights and many rounds; and votes this node really signed for later rounds and heights.
/// The messages are made once per height and cycled; each peer's bounded queue (drop oldest)
/// is the only brake, so this node's own honest messages drown too.
/// </summary>
internal sealed class VoteFlood : Attack
{
    private const int BatchPerPeer = 128;
    private const int ForgedRounds = 16;
    private const int SignedRounds = 256;
    private const int SignedHeightsAhead = 64;
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(5);

    public override string Mode => "vote-flood";

    public override async Task RunAsync(AttackContext context, CancellationToken stop)
    {
        ConsensusMessage[] pool = [];
        ulong poolHeight = ulong.MaxValue;
        long sent = 0;
        var next = 0;
        var lastReport = DateTime.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            var height = context.Height + 1;
            if (height != poolHeight)
            {
                pool = Build(context, height);
                poolHeight = height;
                AttackLog.Struck(context.Logger, Mode, height, 0, $"flooding every peer from a pool of {pool.Length} votes");
            }

            var peers = context.PeerKeys();
            foreach (var peer in peers)
            {
                for (var i = 0; i < BatchPerPeer; i++)
                {
                    context.Network.SendTo(peer, pool[next]);
                    next = (next + 1) % pool.Length;
                }
            }

            sent += (long)peers.Count * BatchPerPeer;
            if (DateTime.UtcNow - lastReport >= ReportEvery)
            {
                AttackLog.Flooded(context.Logger, Mode, sent);
                lastReport = DateTime.UtcNow;
            }

            await Task.Delay(1, stop).ConfigureAwait(false);
        }
    }

    private static ConsensusMessage[] Build(AttackContext context, ulong height)
    {
        var messages = new List<ConsensusMessage>();
        var signature = new byte[64];
        var hash = new byte[Hash32.Size];
        ulong[] heights = [height, height + 1, height + 2, height + 100, height > 1 ? height - 1 : height];
        foreach (var h in heights)
        {
            foreach (var validator in context.Validators)
            {
                for (uint round = 0; round < ForgedRounds; round++)
                {
                    foreach (var type in (ReadOnlySpan<VoteType>)[VoteType.Prevote, VoteType.Precommit])
                    {
                        Random.Shared.NextBytes(signature);
                        Random.Shared.NextBytes(hash);
                        messages.Add(new ConsensusMessage
                        {
                            Vote = new Vote
                            {
                                Type = type,
                                Height = h,
                                Round = round,
                                BlockHash = ByteString.CopyFrom(hash),
                                Validator = ByteString.CopyFrom(validator.ToArray()),
                                Signature = ByteString.CopyFrom(signature),
                            },
                        });
                    }
                }
            }
        }

        // Really signed: each is news to a receiver (a round or height it has not seen from us).
        for (uint round = 1; round <= SignedRounds; round++)
        {
            messages.Add(new ConsensusMessage { Vote = Votes.Sign(context.SigningId, VoteType.Prevote, height, round * 7, null, context.Key) });
        }

        for (ulong ahead = 2; ahead < 2 + SignedHeightsAhead; ahead++)
        {
            messages.Add(new ConsensusMessage { Vote = Votes.Sign(context.SigningId, VoteType.Precommit, height + ahead, 0, null, context.Key) });
        }

        // Interleaved, so every batch mixes the kinds.
        var shuffled = messages.ToArray();
        Random.Shared.Shuffle(shuffled);
        return shuffled;
    }
}

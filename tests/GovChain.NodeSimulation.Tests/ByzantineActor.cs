using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.NodeSimulation.Tests;

/// <summary>
/// The hostile half of a Byzantine node: the node itself is the real one (its driver signs
/// as an honest node would), and this actor rewrites what leaves it, relays mutated copies of
/// what it hears, injects traffic of its own on a timer and corrupts the blocks it serves to
/// block sync — each as its enabled behaviours and the seed say.
/// </summary>
internal sealed class ByzantineActor
{
    private const int ObservedBound = 16;

    private readonly SimNode _node;
    private readonly SimWire _wire;
    private readonly SimScheduler _scheduler;
    private readonly SimRandom _random;
    private readonly IReadOnlyList<Hash32> _validators;
    private readonly ByteString _self;
    private readonly KeyPair _key;
    private readonly Queue<ConsensusMessage> _observed = new();
    private readonly Dictionary<(ulong Height, uint Round, int Variant), byte[]> _oversized = [];

    public ByzantineActor(SimNode node, SimWire wire, SimScheduler scheduler, SimRandom random, ByzantineBehaviour behaviours, IReadOnlyList<Hash32> validators, bool always)
    {
        _node = node;
        _wire = wire;
        _scheduler = scheduler;
        _random = random;
        _validators = validators;
        Behaviours = behaviours;
        Always = always;
        _key = node.Key;
        _self = ByteString.CopyFrom(_key.PublicKey);
    }

    public ByzantineBehaviour Behaviours { get; }

    /// <summary>Every enabled behaviour acts on every chance it gets (named attack scenarios), instead of at its seeded rate.</summary>
    public bool Always { get; }

    /// <summary>Padding target of oversized proposals.</summary>
    public int OversizedBytes { get; init; } = SimChain.MaxBlockBytes + (64 * 1024);

    /// <summary>Only to this node does the actor send its rewritten proposals (the others get the honest one); null for all.</summary>
    public int? ProposalTarget { get; init; }

    public long Injected { get; private set; }

    private string ChainId => _node.SigningId;

    public void Start() => ScheduleTick();

    public ulong ClaimedHeight(ulong real) => Has(ByzantineBehaviour.InflatedHeight) ? ulong.MaxValue : real;

    public void Observe(int from, ConsensusMessage message)
    {
        if (_wire.Actors[from] is not null)
        {
            return;
        }

        if (_observed.Count >= ObservedBound)
        {
            _observed.Dequeue();
        }

        _observed.Enqueue(message);
    }

    /// <summary>What actually leaves for <paramref name="to"/> when this node's driver sends <paramref name="message"/>.</summary>
    public List<byte[]> Rewrite(int to, ConsensusMessage message, byte[] bytes)
    {
        var payloads = new List<byte[]>(2);
        var original = bytes;
        if (message.KindCase == ConsensusMessage.KindOneofCase.Proposal && message.Proposal.Proposer == _self && message.Proposal.Block?.Header is not null
            && (ProposalTarget is null || ProposalTarget == to))
        {
            var proposal = message.Proposal;
            if (Has(ByzantineBehaviour.Equivocate, 0.5))
            {
                var twin = Encode(ConflictingProposal(proposal, 1));
                switch ((to + (int)proposal.Round) % 3)
                {
                    case 0:
                        original = twin;
                        break;
                    case 1:
                        payloads.Add(twin);
                        break;
                }
            }

            if (Has(ByzantineBehaviour.BodyMismatch, 0.3))
            {
                original = Encode(BodyMismatch(proposal));
            }

            if (Has(ByzantineBehaviour.ForgeTxSignatures, 0.4) && proposal.Block.Transactions.Count > 0)
            {
                original = Encode(ForgedSignatures(proposal));
            }

            if (Has(ByzantineBehaviour.ForeignProposer, 0.3))
            {
                original = Encode(ForeignProposer(proposal));
            }

            if (Has(ByzantineBehaviour.Oversized, 0.1))
            {
                payloads.Add(OversizedEncoded(proposal, 0));
                if (Always)
                {
                    // The equivocating twin, as large and as validly signed.
                    payloads.Add(OversizedEncoded(proposal, 1));
                }
            }

            if (Has(ByzantineBehaviour.FarFutureHeights, 0.1))
            {
                payloads.Add(Encode(FarFutureProposal(proposal)));
            }
        }
        else if (message.KindCase == ConsensusMessage.KindOneofCase.Vote && message.Vote.Validator == _self)
        {
            var vote = message.Vote;
            if (Has(ByzantineBehaviour.Equivocate, 0.5))
            {
                payloads.Add(Encode(Votes.Sign(ChainId, vote.Type, vote.Height, vote.Round, vote.BlockHash.IsEmpty ? RandomHash() : null, _key)));
            }

            if (Has(ByzantineBehaviour.MutateAndResign, 0.2))
            {
                payloads.Add(Encode(MutatedVote(vote)));
            }

            if (Has(ByzantineBehaviour.FarFutureHeights, 0.1))
            {
                var height = _random.Chance(0.5) ? ulong.MaxValue : vote.Height + (ulong)_random.Next(2, 1_000_000);
                payloads.Add(Encode(Votes.Sign(ChainId, vote.Type, height, vote.Round, RandomHash(), _key)));
            }
        }

        // A flipped byte inside a proposal is a body that no longer matches its header: that is BodyMismatch's to do.
        var isProposal = message.KindCase == ConsensusMessage.KindOneofCase.Proposal;
        if ((!isProposal || Has(ByzantineBehaviour.BodyMismatch)) && Has(ByzantineBehaviour.FlipBytes, 0.15))
        {
            original = Flip(original);
        }

        payloads.Insert(0, original);
        return payloads;
    }

    public byte[][] RewriteGossip(byte[][] encoded)
    {
        var batch = encoded;
        if (Has(ByzantineBehaviour.RandomBytes, 0.3))
        {
            batch = [.. batch, _random.Bytes(_random.Next(1, 400))];
        }

        if (Has(ByzantineBehaviour.ForgeTxSignatures, 0.3) && batch.Length > 0)
        {
            var tx = SignedTransaction.Parser.ParseFrom(batch[0]);
            batch = [.. batch, Forge(tx).ToByteArray()];
        }

        return batch;
    }

    public List<CertifiedBlock> RewriteServedBlocks(List<CertifiedBlock> served)
    {
        if (!Has(ByzantineBehaviour.BadSyncBlocks))
        {
            return served;
        }

        var result = new List<CertifiedBlock>(served.Count);
        foreach (var original in served)
        {
            if (!Has(ByzantineBehaviour.BadSyncBlocks, 0.7))
            {
                result.Add(original);
                continue;
            }

            var block = original.Clone();
            // A valid header and certificate over a forged transaction signature is ForgeTxSignatures' to do.
            switch (_random.Next(Has(ByzantineBehaviour.ForgeTxSignatures) ? 5 : 4))
            {
                case 0:
                    block.Block.Header.TimeUnixMs += 1;
                    break;
                case 1:
                    block.Certificate.Signatures.Clear();
                    break;
                case 2:
                    if (block.Block.Transactions.Count > 0)
                    {
                        block.Block.Transactions.RemoveAt(block.Block.Transactions.Count - 1);
                    }
                    else
                    {
                        block.Block.Header.StateRoot = ByteString.CopyFrom(_random.Bytes(32));
                    }

                    break;
                case 3:
                    block.Receipts.Clear();
                    block.Receipts.Add(new Receipt { Code = 7 });
                    break;
                default:
                    // Valid header and certificate, forged transaction signature.
                    if (block.Block.Transactions.Count > 0)
                    {
                        block.Block.Transactions[0] = Forge(block.Block.Transactions[0]);
                    }

                    break;
            }

            result.Add(block);
        }

        return result;
    }

    private void ScheduleTick() => _scheduler.After(TimeSpan.FromMilliseconds(_random.Next(30, 120)), Tick);

    private void Tick()
    {
        if (_node.Network.Handler is null)
        {
            return;
        }

        var to = RandomPeer();
        if (Has(ByzantineBehaviour.RandomBytes, 0.5))
        {
            Send(to, _random.Bytes(_random.Next(0, 3000)));
            var junk = new SignedTransaction { Body = ByteString.CopyFrom(_random.Bytes(_random.Next(0, 300))), Signature = ByteString.CopyFrom(_random.Bytes(64)) };
            _wire.InjectGossip(_node.Index, to, [_random.Bytes(_random.Next(0, 200)), junk.ToByteArray()]);
            Injected++;
        }

        if (_observed.Count > 0 && Has(ByzantineBehaviour.FlipBytes, 0.5))
        {
            var relayed = _observed.ElementAt(_random.Next(_observed.Count));
            if (relayed.KindCase != ConsensusMessage.KindOneofCase.Proposal || Has(ByzantineBehaviour.BodyMismatch))
            {
                Send(to, Flip(relayed.ToByteArray()));
            }
        }

        if (_observed.Count > 0 && Has(ByzantineBehaviour.MutateAndResign, 0.5))
        {
            Send(to, Encode(MutatedHonest(_observed.ElementAt(_random.Next(_observed.Count)))));
        }

        if (Has(ByzantineBehaviour.ForgedVoteFlood, 0.7))
        {
            var count = Always ? 200 : 20;
            for (var i = 0; i < count; i++)
            {
                var vote = new Vote
                {
                    Type = _random.Chance(0.5) ? VoteType.Prevote : VoteType.Precommit,
                    Height = _node.Height + 1 + (ulong)_random.Next(3),
                    Round = (uint)_random.Next(4),
                    BlockHash = ByteString.CopyFrom(RandomHash().ToArray()),
                    Validator = ByteString.CopyFrom(_random.Pick(_validators).ToArray()),
                    Signature = ByteString.CopyFrom(_random.Bytes(64)),
                };
                Send(RandomPeer(), Encode(vote));
            }
        }

        if (Has(ByzantineBehaviour.Oversized, 0.02))
        {
            // Past the peer message limit: the transport must drop it unread.
            Send(to, new byte[GovChain.Node.Hosting.GovChainNode.PeerMessageBytes + 1]);
        }

        if (Has(ByzantineBehaviour.FarFutureHeights, 0.2))
        {
            Send(to, Encode(Votes.Sign(ChainId, VoteType.Precommit, ulong.MaxValue - (ulong)_random.Next(3), 0, RandomHash(), _key)));
        }

        ScheduleTick();
    }

    private void Send(int to, byte[] bytes)
    {
        Injected++;
        _wire.Inject(_node.Index, to, bytes);
    }

    private int RandomPeer()
    {
        var to = _random.Next(_wire.Nodes.Count - 1);
        return to >= _node.Index ? to + 1 : to;
    }

    private bool Has(ByzantineBehaviour behaviour) => (Behaviours & behaviour) != 0;

    private bool Has(ByzantineBehaviour behaviour, double rate) => Has(behaviour) && (Always || _random.Chance(rate));

    private Proposal ConflictingProposal(Proposal proposal, long shiftMs)
    {
        var block = proposal.Block.Clone();
        block.Header.TimeUnixMs += shiftMs;
        return Votes.SignProposal(ChainId, proposal.Height, proposal.Round, proposal.PolRound, block, _key);
    }

    private Proposal BodyMismatch(Proposal proposal)
    {
        // The header and its signature stay; the body no longer matches them.
        var copy = proposal.Clone();
        var txs = copy.Block.Transactions;
        if (txs.Count > 0 && _random.Chance(0.5))
        {
            txs.RemoveAt(txs.Count - 1);
        }
        else if (txs.Count > 1)
        {
            (txs[0], txs[1]) = (txs[1], txs[0]);
        }
        else
        {
            txs.Add(new SignedTransaction { Body = ByteString.CopyFrom(_random.Bytes(100)), Signature = ByteString.CopyFrom(_random.Bytes(64)) });
        }

        return copy;
    }

    private Proposal ForgedSignatures(Proposal proposal)
    {
        // A transaction's id covers its body only: the header, and so the proposal's signature, stay valid.
        var copy = proposal.Clone();
        var i = _random.Next(copy.Block.Transactions.Count);
        copy.Block.Transactions[i] = Forge(copy.Block.Transactions[i]);
        return copy;
    }

    private SignedTransaction Forge(SignedTransaction tx) => new()
    {
        Body = tx.Body,
        Signature = _random.Chance(0.5) ? ByteString.Empty : ByteString.CopyFrom(_random.Bytes(64)),
    };

    private Proposal ForeignProposer(Proposal proposal)
    {
        var block = proposal.Block.Clone();
        var other = _validators.Where(v => v != new Hash32(_self.Span)).ToList();
        block.Header.Proposer = ByteString.CopyFrom(_random.Pick(other).ToArray());
        return Votes.SignProposal(ChainId, proposal.Height, proposal.Round, proposal.PolRound, block, _key);
    }

    private byte[] OversizedEncoded(Proposal proposal, int variant)
    {
        var key = (proposal.Height, proposal.Round, variant);
        if (!_oversized.TryGetValue(key, out var bytes))
        {
            if (_oversized.Count >= 4)
            {
                _oversized.Clear();
            }

            bytes = Encode(Oversized(proposal, OversizedBytes, variant));
            _oversized[key] = bytes;
        }

        return bytes;
    }

    /// <summary>The proposal's block padded with junk transactions to <paramref name="targetBytes"/>, its header made to match, re-signed.</summary>
    private Proposal Oversized(Proposal proposal, int targetBytes, int variant)
    {
        var block = proposal.Block.Clone();
        var size = block.CalculateSize();
        var padding = new Random(variant + (int)proposal.Round);
        while (size < targetBytes)
        {
            var body = new byte[SimChain.MaxTxBytes - 200];
            padding.NextBytes(body);
            var tx = new SignedTransaction { Body = ByteString.CopyFrom(body), Signature = ByteString.CopyFrom(new byte[64]) };
            block.Transactions.Add(tx);
            size += tx.CalculateSize() + 4;
        }

        var ids = block.Transactions.Select(t => t.Id()).ToArray();
        block.Header.TxCount = (uint)ids.Length;
        block.Header.TxRoot = ByteString.CopyFrom(MerkleTree.RootOfHashes(ids).ToArray());
        block.Header.TimeUnixMs += variant;
        return Votes.SignProposal(ChainId, proposal.Height, proposal.Round, proposal.PolRound, block, _key);
    }

    private Proposal FarFutureProposal(Proposal proposal)
    {
        var block = proposal.Block.Clone();
        var height = _random.Chance(0.5) ? ulong.MaxValue : proposal.Height + (ulong)_random.Next(2, 1_000_000);
        block.Header.Height = height;
        return Votes.SignProposal(ChainId, height, proposal.Round, -1, block, _key);
    }

    private Vote MutatedVote(Vote vote) => _random.Next(3) switch
    {
        0 => Votes.Sign(ChainId, vote.Type, vote.Height, vote.Round + (uint)_random.Next(1, 4), vote.BlockHash.IsEmpty ? null : new Hash32(vote.BlockHash.Span), _key),
        1 => Votes.Sign(ChainId, vote.Type == VoteType.Prevote ? VoteType.Precommit : VoteType.Prevote, vote.Height, vote.Round, RandomHash(), _key),
        _ => Votes.Sign(ChainId, vote.Type, vote.Height, vote.Round, RandomHash(), _key),
    };

    /// <summary>An honest message changed: re-signed as this node's own, or its fields changed under the honest signature.</summary>
    private ConsensusMessage MutatedHonest(ConsensusMessage message)
    {
        var copy = message.Clone();
        switch (copy.KindCase)
        {
            case ConsensusMessage.KindOneofCase.Vote:
                if (_random.Chance(0.5))
                {
                    copy.Vote = Votes.Sign(ChainId, copy.Vote.Type, copy.Vote.Height, copy.Vote.Round, RandomHash(), _key);
                }
                else
                {
                    copy.Vote.Round += 1;
                }

                break;
            case ConsensusMessage.KindOneofCase.Proposal when copy.Proposal.Block?.Header is not null:
                if (_random.Chance(0.5))
                {
                    copy.Proposal = ConflictingProposal(copy.Proposal, 1 + _random.Next(100));
                }
                else
                {
                    copy.Proposal.Block.Header.TimeUnixMs += 1;
                }

                break;
            case ConsensusMessage.KindOneofCase.Commit:
                copy.Commit.Round += 1;
                break;
        }

        return copy;
    }

    private byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        if (copy.Length == 0)
        {
            return copy;
        }

        var flips = _random.Next(1, 5);
        for (var i = 0; i < flips; i++)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }

        return copy;
    }

    private Hash32 RandomHash() => new(_random.Bytes(Hash32.Size));

    private static byte[] Encode(Proposal proposal) => new ConsensusMessage { Proposal = proposal }.ToByteArray();

    private static byte[] Encode(Vote vote) => new ConsensusMessage { Vote = vote }.ToByteArray();

    private static byte[] Encode(ConsensusMessage message) => message.ToByteArray();
}

using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.NodeSimulation.Tests;

/// <summary>What the wire does to messages while the network is faulty.</summary>
public sealed record WireFaults(double DropRate, double DuplicateRate, int MinDelayMs, int MaxDelayMs)
{
    public static readonly WireFaults Healthy = new(0, 0, 1, 20);
}

/// <summary>
/// The simulated network between the nodes of one run: every message is encoded, possibly
/// rewritten by a Byzantine sender, then dropped, delayed, duplicated (so reordered) and lost
/// across a partition as the seed decides, and decoded at delivery with the bounds of the real
/// transport (the peer message limit; undecodable bytes are dropped). A node that throws on
/// what it is handed is a failure of the run.
/// </summary>
internal sealed class SimWire
{
    private readonly SimScheduler _scheduler;
    private readonly SimRandom _random;
    private readonly List<SimNode> _nodes = [];
    private readonly Dictionary<Hash32, int> _byKey = [];
    private ulong[,] _reported = new ulong[0, 0];
    private int[] _group = [];
    private readonly Dictionary<Hash32, HashSet<ByteString>> _proposers = [];

    public SimWire(SimScheduler scheduler, SimRandom random)
    {
        _scheduler = scheduler;
        _random = random;
    }

    public WireFaults Faults { get; set; } = WireFaults.Healthy;

    public ByzantineActor?[] Actors { get; private set; } = [];

    public List<string> Failures { get; } = [];

    public long Sent { get; private set; }

    public long Delivered { get; private set; }

    public long Dropped { get; private set; }

    public long Undecodable { get; private set; }

    public long Oversized { get; private set; }

    public IReadOnlyList<SimNode> Nodes => _nodes;

    public void Attach(IReadOnlyList<SimNode> nodes, ByzantineActor?[] actors)
    {
        _nodes.AddRange(nodes);
        foreach (var node in nodes)
        {
            _byKey[node.ValidatorKey] = node.Index;
        }

        Actors = actors;
        _reported = new ulong[nodes.Count, nodes.Count];
        _group = new int[nodes.Count];
    }

    /// <summary>Splits the nodes into groups that hear only each other (same number, same group).</summary>
    public void Partition(int[] group) => _group = group;

    public void Heal() => _group = new int[_nodes.Count];

    public bool Linked(int a, int b) => a != b && _group[a] == _group[b];

    public IReadOnlyList<PeerSnapshot> PeersOf(int index)
    {
        var peers = new List<PeerSnapshot>(_nodes.Count - 1);
        foreach (var node in _nodes)
        {
            if (node.Index != index)
            {
                var linked = Linked(index, node.Index);
                peers.Add(new PeerSnapshot(SimChain.DepartmentId(node.Index), node.ValidatorKey, $"sim://{node.Index}", linked, linked ? _reported[index, node.Index] : 0));
            }
        }

        return peers;
    }

    public void Broadcast(int from, ConsensusMessage message)
    {
        var bytes = message.ToByteArray();
        for (var to = 0; to < _nodes.Count; to++)
        {
            if (to != from)
            {
                Transmit(from, to, message, bytes);
            }
        }
    }

    public void SendTo(int from, Hash32 validator, ConsensusMessage message)
    {
        if (_byKey.TryGetValue(validator, out var to) && to != from)
        {
            Transmit(from, to, message, message.ToByteArray());
        }
    }

    public void Gossip(int from, IReadOnlyList<SignedTransaction> transactions)
    {
        var encoded = transactions.Select(t => t.ToByteArray()).ToArray();
        for (var to = 0; to < _nodes.Count; to++)
        {
            if (to != from)
            {
                var batch = Actors[from] is { } actor ? actor.RewriteGossip(encoded) : encoded;
                Post(from, to, null, batch);
            }
        }
    }

    /// <summary>Sends raw consensus bytes from <paramref name="from"/> (a Byzantine node's own traffic).</summary>
    public void Inject(int from, int to, byte[] consensus) => Post(from, to, consensus, null);

    public void InjectGossip(int from, int to, byte[][] transactions) => Post(from, to, null, transactions);

    /// <summary>
    /// Block sync for <paramref name="index"/>: peers reporting the height first, in a rotation
    /// the seed picks; the first that serves a contiguous run from <paramref name="from"/> answers.
    /// </summary>
    public IReadOnlyList<FetchedBlock> Fetch(int index, ulong from, ulong to)
    {
        var start = _random.Next(_nodes.Count);
        var order = Enumerable.Range(0, _nodes.Count)
            .Select(i => (start + i) % _nodes.Count)
            .Where(i => Linked(index, i))
            .OrderBy(i => _reported[index, i] >= from ? 0 : 1)
            .ToList();
        foreach (var source in order)
        {
            var handler = _nodes[source].Network.Handler;
            if (handler is null)
            {
                continue;
            }

            var served = handler.ReadBlocks(from, to).ToList();
            if (Actors[source] is { } actor)
            {
                served = actor.RewriteServedBlocks(served);
            }

            var blocks = new List<FetchedBlock>(served.Count);
            var next = from;
            foreach (var block in served)
            {
                // As the real transport: on the wire and back, and a block out of order ends the answer.
                var copy = CertifiedBlock.Parser.ParseFrom(block.ToByteArray());
                if ((copy.Block?.Header?.Height ?? 0) != next)
                {
                    _nodes[index].Network.ReportMisbehaviour(_nodes[source].ValidatorKey, "block sync: out of order");
                    break;
                }

                blocks.Add(new FetchedBlock(_nodes[source].ValidatorKey, copy));
                next++;
            }

            if (blocks.Count > 0)
            {
                return blocks;
            }
        }

        return [];
    }

    private void Transmit(int from, int to, ConsensusMessage message, byte[] bytes)
    {
        if (Actors[from] is { } actor)
        {
            foreach (var payload in actor.Rewrite(to, message, bytes))
            {
                Post(from, to, payload, null);
            }

            return;
        }

        Post(from, to, bytes, null);
    }

    private void Post(int from, int to, byte[]? consensus, byte[][]? transactions)
    {
        Sent++;
        if (!Linked(from, to) || _random.Chance(Faults.DropRate))
        {
            Dropped++;
            return;
        }

        var height = Actors[from] is { } actor ? actor.ClaimedHeight(_nodes[from].Height) : _nodes[from].Height;
        var copies = _random.Chance(Faults.DuplicateRate) ? 2 : 1;
        for (var c = 0; c < copies; c++)
        {
            var delay = TimeSpan.FromMilliseconds(_random.Next(Faults.MinDelayMs, Faults.MaxDelayMs + 1));
            _scheduler.After(delay, () => Deliver(from, to, consensus, transactions, height));
        }
    }

    private void Deliver(int from, int to, byte[]? consensus, byte[][]? transactions, ulong senderHeight)
    {
        if (!Linked(from, to) || _nodes[to].Network.Handler is not { } handler)
        {
            Dropped++;
            return;
        }

        var fromKey = _nodes[from].ValidatorKey;
        try
        {
            _reported[to, from] = senderHeight;
            handler.OnPeerHeight(fromKey, senderHeight);
            if (consensus is not null)
            {
                if (consensus.Length > GovChainNode.PeerMessageBytes)
                {
                    Oversized++;
                    return;
                }

                if (!TryParse(consensus, ConsensusMessage.Parser, out var message))
                {
                    Undecodable++;
                    return;
                }

                Delivered++;
                RecordProposer(message!);
                Actors[to]?.Observe(from, message!);
                handler.OnConsensusMessage(fromKey, message!);
            }
            else if (transactions is not null)
            {
                var parsed = new List<SignedTransaction>(transactions.Length);
                foreach (var tx in transactions)
                {
                    if (tx.Length > GovChainNode.PeerMessageBytes || !TryParse(tx, SignedTransaction.Parser, out var signed))
                    {
                        Undecodable++;
                        return;
                    }

                    parsed.Add(signed!);
                }

                Delivered++;
                handler.OnTransactions(fromKey, parsed);
            }
        }
        catch (Exception ex)
        {
            Failures.Add($"node {to} threw on a message from node {from} at {_scheduler.Now.TotalMilliseconds} ms: {ex}");
        }
    }

    /// <summary>The keys that signed a proposal of the block with this header hash (as seen on the wire, signature checked).</summary>
    public IReadOnlySet<ByteString> ProposersOf(Hash32 blockHash) =>
        _proposers.TryGetValue(blockHash, out var signers) ? signers : new HashSet<ByteString>();

    private void RecordProposer(ConsensusMessage message)
    {
        if (message.KindCase != ConsensusMessage.KindOneofCase.Proposal || message.Proposal.Block?.Header is not { } header)
        {
            return;
        }

        var hash = header.Hash();
        if (_proposers.TryGetValue(hash, out var signers) && signers.Contains(message.Proposal.Proposer))
        {
            return;
        }

        if (Votes.VerifyProposalSignature(_nodes[0].SigningId, message.Proposal))
        {
            if (signers is null)
            {
                signers = [];
                _proposers[hash] = signers;
            }

            signers.Add(message.Proposal.Proposer);
        }
    }

    private static bool TryParse<T>(byte[] bytes, MessageParser<T> parser, out T? message)
        where T : IMessage<T>
    {
        try
        {
            message = parser.ParseFrom(bytes);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            message = default;
            return false;
        }
    }
}

using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Network;
using GovChain.Protocol;
using Microsoft.Extensions.Logging;

namespace GovChain.ByzantineNode;

/// <summary>
/// The honest node's peer network, wrapped so that every proposal and vote the node signs
/// leaves with a conflicting twin signed by the same key. Proposals are split: the first peer
/// gets the original, the second the twin, the third both (so at least one honest node holds
/// the proof). Every peer gets both votes, in an order that alternates between peers, so
/// different peers first count different votes. Everything else passes through unchanged.
/// </summary>
internal sealed partial class EquivocatingPeerNetwork : IPeerNetwork
{
    // Twins of recent messages, keyed by the original's signature, so retransmissions re-send
    // the same twin without signing again; cleared when full (a twin is cheap to re-derive).
    private const int MaxTwins = 256;
    private readonly IPeerNetwork _inner;
    private readonly KeyPair _key;
    private readonly ByteString _self;
    private readonly string _chainId;
    private readonly ILogger _logger;
    private readonly Dictionary<ByteString, ConsensusMessage> _twins = [];
    private readonly Lock _gate = new();

    public EquivocatingPeerNetwork(IPeerNetwork inner, KeyPair key, string chainId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(key);
        _inner = inner;
        _key = key;
        _self = ByteString.CopyFrom(key.PublicKey);
        _chainId = chainId;
        _logger = logger;
    }

    public IReadOnlyList<PeerSnapshot> Peers => _inner.Peers;

    public Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken) => _inner.StartAsync(handler, cancellationToken);

    public void Broadcast(ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var twin = TwinOf(message);
        if (twin is null)
        {
            _inner.Broadcast(message);
            return;
        }

        var peers = _inner.Peers;
        for (var k = 0; k < peers.Count; k++)
        {
            var peer = peers[k].ValidatorKey;
            if (message.KindCase == ConsensusMessage.KindOneofCase.Proposal)
            {
                switch (k % 3)
                {
                    case 0:
                        _inner.SendTo(peer, message);
                        break;
                    case 1:
                        _inner.SendTo(peer, twin);
                        break;
                    default:
                        _inner.SendTo(peer, message);
                        _inner.SendTo(peer, twin);
                        break;
                }
            }
            else if (k % 2 == 0)
            {
                _inner.SendTo(peer, message);
                _inner.SendTo(peer, twin);
            }
            else
            {
                _inner.SendTo(peer, twin);
                _inner.SendTo(peer, message);
            }
        }
    }

    public void SendTo(Hash32 validator, ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _inner.SendTo(validator, message);
        if (TwinOf(message) is { } twin)
        {
            _inner.SendTo(validator, twin);
        }
    }

    public void Gossip(IReadOnlyList<SignedTransaction> transactions) => _inner.Gossip(transactions);

    public IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellationToken) =>
        _inner.FetchBlocksAsync(fromHeight, toHeight, cancellationToken);

    public void ReportMisbehaviour(Hash32 validator, string reason) => _inner.ReportMisbehaviour(validator, reason);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>The conflicting twin of a proposal or vote this node signed; null for anything else.</summary>
    private ConsensusMessage? TwinOf(ConsensusMessage message)
    {
        ByteString signature;
        switch (message.KindCase)
        {
            case ConsensusMessage.KindOneofCase.Vote when message.Vote.Validator.Equals(_self):
                signature = message.Vote.Signature;
                break;
            case ConsensusMessage.KindOneofCase.Proposal when message.Proposal.Proposer.Equals(_self) && message.Proposal.Block?.Header is not null:
                signature = message.Proposal.Signature;
                break;
            default:
                return null;
        }

        lock (_gate)
        {
            if (_twins.TryGetValue(signature, out var known))
            {
                return known;
            }

            if (_twins.Count >= MaxTwins)
            {
                _twins.Clear();
            }

            ConsensusMessage twin;
            if (message.KindCase == ConsensusMessage.KindOneofCase.Vote)
            {
                var vote = message.Vote;
                twin = new ConsensusMessage { Vote = Equivocation.ConflictingVote(vote, _chainId, _key) };
                LogEquivocation(_logger, vote.Type.ToString(), vote.Height, vote.Round);
            }
            else
            {
                var proposal = message.Proposal;
                twin = new ConsensusMessage { Proposal = Equivocation.ConflictingProposal(proposal, _chainId, _key) };
                LogEquivocation(_logger, "Proposal", proposal.Height, proposal.Round);
            }

            _twins.Add(signature, twin);
            return twin;
        }
    }

    [LoggerMessage(EventId = 9900, Level = LogLevel.Warning, Message = "Byzantine: equivocating {Kind} at height {Height} round {Round}")]
    private static partial void LogEquivocation(ILogger logger, string kind, ulong height, uint round);
}

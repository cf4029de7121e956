using GovChain.ByzantineNode.Attacks;
using GovChain.Core.Hashing;
using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.ByzantineNode;

/// <summary>
/// The honest node's peer network with one <see cref="Attack"/> in it: the node's own
/// proposals pass through the attack, the attack's loop runs from start to dispose, and
/// everything else passes through unchanged.
/// </summary>
internal sealed class AttackingPeerNetwork : IPeerNetwork
{
    private readonly IPeerNetwork _inner;
    private readonly IPeerHandler _innerHandler;
    private readonly Attack _attack;
    private readonly Func<IPeerNetwork, AttackContext> _contextFactory;
    private readonly CancellationTokenSource _stop = new();
    private AttackContext? _context;
    private Task _run = Task.CompletedTask;

    /// <param name="inner">The honest network, built with <paramref name="innerHandler"/>.</param>
    /// <param name="innerHandler">The handler the honest network must be started with (it reports the attack's height).</param>
    public AttackingPeerNetwork(IPeerNetwork inner, IPeerHandler innerHandler, Attack attack, Func<IPeerNetwork, AttackContext> contextFactory)
    {
        _inner = inner;
        _innerHandler = innerHandler;
        _attack = attack;
        _contextFactory = contextFactory;
    }

    public IReadOnlyList<PeerSnapshot> Peers => _inner.Peers;

    public async Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken)
    {
        await _inner.StartAsync(_innerHandler, cancellationToken).ConfigureAwait(false);
        var context = _contextFactory(_inner);
        _context = context;
        AttackLog.Started(context.Logger, _attack.Mode);
        _run = Task.Run(async () =>
        {
            try
            {
                await _attack.RunAsync(context, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stopping.
            }
            catch (Exception ex)
            {
                AttackLog.Failed(context.Logger, _attack.Mode, ex);
            }
        }, CancellationToken.None);
    }

    public void Broadcast(ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_context is { } context
            && message.KindCase == ConsensusMessage.KindOneofCase.Proposal
            && message.Proposal.Block?.Header is not null
            && new Hash32(message.Proposal.Proposer.Span) == context.Self
            && _attack.OnOwnProposal(message.Proposal, context))
        {
            return;
        }

        _inner.Broadcast(message);
    }

    public void SendTo(Hash32 validator, ConsensusMessage message) => _inner.SendTo(validator, message);

    public void Gossip(IReadOnlyList<SignedTransaction> transactions) => _inner.Gossip(transactions);

    public IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellationToken) =>
        _inner.FetchBlocksAsync(fromHeight, toHeight, cancellationToken);

    public void ReportMisbehaviour(Hash32 validator, string reason) => _inner.ReportMisbehaviour(validator, reason);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _inner.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}

using System.Runtime.CompilerServices;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Node.Network;

/// <summary>
/// The peer network of a node with no peers: a single-department chain (a development or
/// demonstration network), where the node's own vote is the quorum. Sends go nowhere and
/// block sync finds nothing.
/// </summary>
public sealed class IsolatedPeerNetwork : IPeerNetwork
{
    public IReadOnlyList<PeerSnapshot> Peers => [];

    public Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Broadcast(ConsensusMessage message)
    {
    }

    public void SendTo(Hash32 validator, ConsensusMessage message)
    {
    }

    public void Gossip(IReadOnlyList<SignedTransaction> transactions)
    {
    }

    public async IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(ulong fromHeight, ulong toHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    public void ReportMisbehaviour(Hash32 validator, string reason)
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

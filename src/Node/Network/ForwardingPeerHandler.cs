using GovChain.Core.Hashing;
using GovChain.Node.Mempool;
using GovChain.Protocol;

namespace GovChain.Node.Network;

/// <summary>
/// The peer handler a network is built with before the node behind it exists (the consensus
/// driver needs the network, and the node's handler needs the driver). Peers cannot reach it
/// before the node starts its servers, by which time <see cref="Target"/> is set.
/// </summary>
internal sealed class ForwardingPeerHandler : IPeerHandler
{
    private IPeerHandler? _target;

    public IPeerHandler Target
    {
        get => Volatile.Read(ref _target) ?? throw new InvalidOperationException("The node behind this peer handler is not built yet.");
        set => Volatile.Write(ref _target, value);
    }

    public ulong Height => Target.Height;

    public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message) => Target.OnConsensusMessage(fromValidator, message);

    public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions) =>
        Target.OnTransactions(fromValidator, transactions);

    public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight) => Target.ReadBlocks(fromHeight, toHeight);

    public void OnPeerHeight(Hash32 validator, ulong height) => Target.OnPeerHeight(validator, height);
}

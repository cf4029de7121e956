using GovChain.Core.Hashing;
using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.NodeSimulation.Tests;

/// <summary>
/// One node's <see cref="IPeerNetwork"/> on the simulated wire. Sends become scheduled
/// deliveries; block fetches answer synchronously (the stepped driver needs it) from a peer
/// chosen as the real network does.
/// </summary>
internal sealed class SimPeerNetwork(SimWire wire, int index) : IPeerNetwork
{
    public const int MaxReportsKept = 256;

    private readonly List<(Hash32 Validator, string Reason)> _misbehaviour = [];

    public IPeerHandler? Handler { get; private set; }

    public IReadOnlyList<(Hash32 Validator, string Reason)> Misbehaviour => _misbehaviour;

    public IReadOnlyList<PeerSnapshot> Peers => wire.PeersOf(index);

    public Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken)
    {
        Handler = handler;
        return Task.CompletedTask;
    }

    public void Broadcast(ConsensusMessage message) => wire.Broadcast(index, message);

    public void SendTo(Hash32 validator, ConsensusMessage message) => wire.SendTo(index, validator, message);

    public void Gossip(IReadOnlyList<SignedTransaction> transactions) => wire.Gossip(index, transactions);

    public IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellationToken) =>
        new Completed<FetchedBlock>(wire.Fetch(index, fromHeight, toHeight));

    public void ReportMisbehaviour(Hash32 validator, string reason)
    {
        if (_misbehaviour.Count < MaxReportsKept)
        {
            _misbehaviour.Add((validator, reason));
        }
    }

    public ValueTask DisposeAsync()
    {
        Handler = null;
        return ValueTask.CompletedTask;
    }

    /// <summary>An async sequence that is already there: every MoveNextAsync completes synchronously.</summary>
    private sealed class Completed<T>(IReadOnlyList<T> items) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(items);

        private sealed class Enumerator(IReadOnlyList<T> items) : IAsyncEnumerator<T>
        {
            private int _at = -1;

            public T Current => items[_at];

            public ValueTask<bool> MoveNextAsync() => ValueTask.FromResult(++_at < items.Count);

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

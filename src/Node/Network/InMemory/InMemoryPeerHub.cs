using System.Collections.Concurrent;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Node.Network.InMemory;

/// <summary>
/// Connects several in-process nodes without sockets, for tests: every message is encoded
/// and decoded as on the wire, and the test can cut a node off, bring it back, or drop
/// chosen messages.
/// </summary>
public sealed class InMemoryPeerHub
{
    private readonly ConcurrentDictionary<Hash32, InMemoryPeerNetwork> _members = new();
    private readonly ConcurrentDictionary<Hash32, bool> _disconnected = new();

    /// <summary>When set and true for (from, to, message), the consensus message is lost.</summary>
    public Func<Hash32, Hash32, ConsensusMessage, bool>? DropFilter { get; set; }

    /// <summary>Consensus messages lost so far (by <see cref="DropFilter"/>, a cut link or a full queue).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long _dropped;
    private long _delivered;

    /// <summary>Consensus messages handed to a peer's queue so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>The network of the node holding <paramref name="validatorKey"/>; a later call for the same key replaces it (a restarted node).</summary>
    public InMemoryPeerNetwork Join(string departmentId, Hash32 validatorKey, int queueCapacity = 4096)
    {
        var network = new InMemoryPeerNetwork(this, departmentId, validatorKey, queueCapacity);
        _members[validatorKey] = network;
        return network;
    }

    /// <summary>Cuts every link of this node (it keeps running, alone).</summary>
    public void Disconnect(Hash32 validatorKey) => _disconnected[validatorKey] = true;

    public void Reconnect(Hash32 validatorKey) => _disconnected.TryRemove(validatorKey, out _);

    internal IEnumerable<InMemoryPeerNetwork> Members => _members.Values;

    internal void Leave(InMemoryPeerNetwork network) => _members.TryRemove(new KeyValuePair<Hash32, InMemoryPeerNetwork>(network.ValidatorKey, network));

    internal bool Linked(InMemoryPeerNetwork a, InMemoryPeerNetwork b) =>
        a != b && a.IsRunning && b.IsRunning && !_disconnected.ContainsKey(a.ValidatorKey) && !_disconnected.ContainsKey(b.ValidatorKey)
        && !a.Bans(b.ValidatorKey) && !b.Bans(a.ValidatorKey)
        && _members.TryGetValue(a.ValidatorKey, out var ma) && ma == a && _members.TryGetValue(b.ValidatorKey, out var mb) && mb == b;

    internal bool ShouldDrop(Hash32 from, Hash32 to, ConsensusMessage message) => DropFilter?.Invoke(from, to, message) == true;

    internal void CountDrop() => Interlocked.Increment(ref _dropped);

    internal void CountDelivery() => Interlocked.Increment(ref _delivered);
}

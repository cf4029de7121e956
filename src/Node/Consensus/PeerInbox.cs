using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Node.Consensus;

/// <summary>
/// The consensus loop's input from peers: one bounded queue per sending peer, taken round-robin
/// (one message per peer per turn), so a peer that floods fills and overflows only its own
/// queue while every other peer's messages still reach the machine at their own pace.
/// A full queue drops its oldest message (consensus retransmits; the newest matter most).
/// </summary>
internal sealed class PeerInbox
{
    private readonly int _perPeerCapacity;
    private readonly int _maxPeers;
    private readonly Dictionary<Hash32, Queue<ConsensusMessage>> _queues = [];
    private readonly Queue<Hash32> _ready = new();
    private readonly Lock _gate = new();
    private int _count;

    /// <param name="perPeerCapacity">Messages held for one peer.</param>
    /// <param name="maxPeers">Peers with a queue at once (the validator sets are far smaller; it bounds memory against a confused transport).</param>
    public PeerInbox(int perPeerCapacity, int maxPeers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perPeerCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPeers, 1);
        _perPeerCapacity = perPeerCapacity;
        _maxPeers = maxPeers;
    }

    /// <summary>Messages waiting, all peers together.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds a peer's message; false when it could not be kept whole (the peer's oldest was dropped, or no room for another peer).</summary>
    public bool Add(Hash32 from, ConsensusMessage message)
    {
        lock (_gate)
        {
            if (!_queues.TryGetValue(from, out var queue))
            {
                if (_queues.Count >= _maxPeers)
                {
                    RemoveIdleQueues();
                    if (_queues.Count >= _maxPeers)
                    {
                        return false;
                    }
                }

                queue = new Queue<ConsensusMessage>();
                _queues[from] = queue;
            }

            var kept = true;
            if (queue.Count == 0)
            {
                _ready.Enqueue(from);
            }
            else if (queue.Count >= _perPeerCapacity)
            {
                queue.Dequeue();
                _count--;
                kept = false;
            }

            queue.Enqueue(message);
            _count++;
            return kept;
        }
    }

    /// <summary>Moves up to <paramref name="max"/> messages into <paramref name="into"/>, one per peer per turn.</summary>
    public void Take(List<ConsensusMessage> into, int max)
    {
        lock (_gate)
        {
            while (into.Count < max && _ready.TryDequeue(out var peer))
            {
                var queue = _queues[peer];
                into.Add(queue.Dequeue());
                _count--;
                if (queue.Count > 0)
                {
                    _ready.Enqueue(peer);
                }
            }
        }
    }

    private void RemoveIdleQueues()
    {
        List<Hash32>? idle = null;
        foreach (var (peer, queue) in _queues)
        {
            if (queue.Count == 0)
            {
                (idle ??= []).Add(peer);
            }
        }

        foreach (var peer in idle ?? [])
        {
            _queues.Remove(peer);
        }
    }
}

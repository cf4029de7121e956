using GovChain.Core.Hashing;
using GovChain.Core.Transactions;

namespace GovChain.Node.Mempool;

public sealed partial class TransactionPool
{
    /// <summary>
    /// Takes up to <paramref name="maxTxs"/> executable transactions (within
    /// <paramref name="maxBytes"/>) for a proposal, oldest first, each sender's in unbroken
    /// nonce order from its committed next nonce. Nothing is removed until the block commits.
    /// </summary>
    public IReadOnlyList<VerifiedTransaction> Reap(int maxTxs, long maxBytes)
    {
        var picked = new List<VerifiedTransaction>(Math.Min(maxTxs, 4096));
        var expected = new Dictionary<Hash32, ulong>();
        long bytes = 0;
        lock (_gate)
        {
            for (var node = _arrivalOrder.First; node is not null && picked.Count < maxTxs; node = node.Next)
            {
                var sender = node.Value.Tx.Sender;
                if (!expected.TryGetValue(sender, out var next))
                {
                    next = _committedNextNonce(sender);
                }

                if (node.Value.Tx.Nonce != next)
                {
                    expected[sender] = next;
                    continue;
                }

                // Take this sender's whole consecutive run now, so later arrivals of lower nonces never block it.
                var pending = _bySender[sender];
                while (picked.Count < maxTxs && pending.TryGetValue(next, out var e))
                {
                    if (bytes + e.Size > maxBytes)
                    {
                        return picked;
                    }

                    picked.Add(e.Tx);
                    bytes += e.Size;
                    next++;
                }

                expected[sender] = next;
            }
        }

        return picked;
    }

    /// <summary>
    /// After a commit: drops the committed transactions and every pending one whose nonce the
    /// new state has made stale (it can never execute).
    /// </summary>
    public void RemoveCommitted(IEnumerable<Hash32> committedIds)
    {
        ArgumentNullException.ThrowIfNull(committedIds);
        lock (_gate)
        {
            var senders = new HashSet<Hash32>();
            foreach (var id in committedIds)
            {
                if (_byId.TryGetValue(id, out var e))
                {
                    senders.Add(e.Tx.Sender);
                    RemoveEntry(e);
                }
            }

            foreach (var sender in senders)
            {
                if (!_bySender.TryGetValue(sender, out var pending))
                {
                    continue;
                }

                var next = _committedNextNonce(sender);
                while (pending.Count > 0 && pending.Keys[0] < next)
                {
                    RemoveEntry(pending.Values[0]);
                    if (!_bySender.ContainsKey(sender))
                    {
                        break;
                    }
                }
            }
        }
    }

    /// <summary>Drops stale entries of every sender; used after block sync replaced many heights at once.</summary>
    public int RemoveStale()
    {
        lock (_gate)
        {
            var stale = _byId.Values.Where(e => e.Tx.Nonce < _committedNextNonce(e.Tx.Sender)).ToList();
            foreach (var e in stale)
            {
                RemoveEntry(e);
            }

            return stale.Count;
        }
    }
}

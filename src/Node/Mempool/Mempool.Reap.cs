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
                var sender = node.Value.Sender;
                if (!expected.TryGetValue(sender, out var next))
                {
                    next = _committedNextNonce(sender);
                }

                if (node.Value.Nonce != next || node.Value.Tx is null)
                {
                    expected[sender] = next;
                    continue;
                }

                // Take this sender's whole consecutive run now, so later arrivals of lower nonces never block it;
                // a transaction still having its signature checked ends the run like a gap.
                var pending = _bySender[sender].ByNonce;
                while (picked.Count < maxTxs && pending.TryGetValue(next, out var e) && e.Tx is not null)
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
    /// new state has made stale (it can never execute), reclassifies their senders, and drops
    /// the gapped transactions whose time to live has passed.
    /// </summary>
    public void RemoveCommitted(IEnumerable<Hash32> committedIds)
    {
        ArgumentNullException.ThrowIfNull(committedIds);
        lock (_gate)
        {
            NoteCommit();
            var senders = new HashSet<Hash32>();
            foreach (var id in committedIds)
            {
                if (_byId.TryGetValue(id, out var e))
                {
                    senders.Add(e.Sender);
                    RemoveEntry(e);
                }
            }

            foreach (var sender in senders)
            {
                if (_bySender.TryGetValue(sender, out var queue))
                {
                    Reclassify(queue, _committedNextNonce(sender));
                }
            }

            ExpireGapped();
        }
    }

    /// <summary>Drops stale entries of every sender; used after block sync replaced many heights at once.</summary>
    public int RemoveStale()
    {
        lock (_gate)
        {
            var before = _byId.Count;
            foreach (var sender in _bySender.Keys.ToList())
            {
                if (_bySender.TryGetValue(sender, out var queue))
                {
                    Reclassify(queue, _committedNextNonce(sender));
                }
            }

            var stale = before - _byId.Count;
            ExpireGapped();
            return stale;
        }
    }
}

using System.Net;
using GovChain.Core.Transactions;

namespace GovChain.Node.Mempool;

public sealed partial class TransactionPool
{
    /// <summary>The next nonce of a sender that has committed nothing.</summary>
    private const ulong FirstNonce = 1;

    /// <summary>
    /// Every state check of one decoded transaction, cheapest first, before its signature is
    /// checked; when all pass, its place (nonce, room, share) is taken at once so that neither a
    /// concurrent batch nor a later one in this batch can take it while the signature is checked.
    /// </summary>
    // Called under _gate.
    private AdmissionResult Reserve(Candidate c, bool fromPeer, int executableBound, IPAddress? client, out Entry? reserved)
    {
        reserved = null;
        if (_byId.ContainsKey(c.Id))
        {
            return Refuse(AdmissionCode.AlreadyKnown, c.Id, "transaction is already in the mempool");
        }

        var next = _committedNextNonce(c.Sender);
        if (c.Nonce < next)
        {
            return Refuse(AdmissionCode.NonceTooLow, c.Id, $"nonce {c.Nonce} was already used; the sender's next nonce is {next}");
        }

        if (c.Nonce - next >= _options.MaxNonceGap)
        {
            return Refuse(AdmissionCode.NonceTooHigh, c.Id, $"nonce {c.Nonce} is too far ahead of the sender's next nonce {next}");
        }

        _bySender.TryGetValue(c.Sender, out var queue);
        if (queue is not null && queue.Base != next)
        {
            Reclassify(queue, next);
            _bySender.TryGetValue(c.Sender, out queue);
        }

        if (queue is not null && queue.ByNonce.ContainsKey(c.Nonce))
        {
            return Refuse(AdmissionCode.NonceTaken, c.Id, $"another transaction of this sender with nonce {c.Nonce} is already pending");
        }

        var held = queue?.ByNonce.Count ?? 0;
        var nextGap = queue?.NextGap ?? next;
        var executable = c.Nonce == nextGap;
        if (held >= SenderShare(fromPeer, executableBound))
        {
            return Refuse(AdmissionCode.SenderFull, c.Id, $"the sender already has {held} pending transactions, its share of the mempool; retry after some commit", RetryAfterMs(1));
        }

        if (!executable)
        {
            if ((queue?.Gapped ?? 0) >= _options.MaxGappedPerSender)
            {
                // Out of order is how concurrent submissions from one signer arrive: a retry after the
                // missing nonce is in is the answer, not a nonce error the client cannot act on.
                return Refuse(AdmissionCode.SenderFull, c.Id, $"nonce {c.Nonce} waits for nonce {nextGap}, and the sender already has {queue!.Gapped} transactions waiting for it; retry once nonce {nextGap} is in", RetryAfterMs(1));
            }

            if (_gappedOrder.Count >= _options.MaxGappedTransactions)
            {
                return Refuse(AdmissionCode.PoolFull, c.Id, $"no room for transactions that wait for a missing nonce; send nonce {nextGap} first", RetryAfterMs(1));
            }

            if (next == FirstNonce && _gappedOfNew >= _options.MaxGappedOfNewSenders)
            {
                return Refuse(AdmissionCode.PoolFull, c.Id, $"the sender has committed nothing yet and senders like it already have {_gappedOfNew} transactions waiting; send nonce {nextGap} first", RetryAfterMs(1));
            }
        }
        else
        {
            var bound = fromPeer ? (int)Math.Min(_options.MaxTransactions, (long)executableBound * PeerSlackFactor) : executableBound;
            if (_ready >= bound)
            {
                var blocks = 1 + ((_ready - bound) / Math.Max(1, BlockBudget?.Invoke() ?? bound));
                var wait = RetryAfterMs(blocks);
                return Refuse(AdmissionCode.PoolFull, c.Id, $"the mempool holds {_ready} executable transactions, what the network commits in the next blocks; retry in about {wait} ms", wait);
            }
        }

        if (IsFull(c.Size) && (!executable || _gappedOrder.Count == 0))
        {
            return Refuse(AdmissionCode.PoolFull, c.Id, $"the mempool is full ({_byId.Count} transactions, {_bytes} bytes); retry later", RetryAfterMs(1));
        }

        // The last check before the signature's: every refusal above cost this client nothing of its share.
        if (client is not null && !_checkShares.TryTake(client, out var busy, out var retry))
        {
            return Refuse(AdmissionCode.ClientFull, c.Id, busy, retry);
        }

        if (executable)
        {
            // The least useful go first: a transaction that can execute now displaces the oldest of those that wait for a gap.
            while (IsFull(c.Size) && _gappedOrder.First is { } oldest)
            {
                Drop(oldest.Value, "dropped from a full mempool for executable transactions: it waited for a missing nonce");
            }

            // The displaced may have been this sender's own waiting ones, and its queue with them.
            _bySender.TryGetValue(c.Sender, out queue);
        }

        if (IsFull(c.Size))
        {
            if (client is not null)
            {
                _checkShares.Done(client);
            }

            return Refuse(AdmissionCode.PoolFull, c.Id, $"the mempool is full ({_byId.Count} transactions, {_bytes} bytes); retry later", RetryAfterMs(1));
        }

        var entry = new Entry(c, Height) { OfNewSender = next == FirstNonce };
        entry.Node = _arrivalOrder.AddLast(entry);
        _byId.Add(c.Id, entry);
        if (queue is null)
        {
            queue = new SenderQueue { Base = next, NextGap = next };
            _bySender.Add(c.Sender, queue);
        }

        queue.ByNonce.Add(c.Nonce, entry);
        _bytes += entry.Size;
        _dropped.Remove(c.Id);
        if (executable)
        {
            ExtendRun(queue, entry);
        }
        else
        {
            MarkGapped(queue, entry);
        }

        _metrics?.SetMempoolSize(_byId.Count);
        reserved = entry;
        return new AdmissionResult(AdmissionCode.Admitted, c.Id, string.Empty);
    }

    // Called under _gate.
    private AdmissionResult Confirm(Entry entry, VerifiedTransaction tx)
    {
        entry.Tx = tx;
        var reason = entry.Ready
            ? string.Empty
            : $"admitted, waiting for an earlier nonce of its sender; dropped after {_options.GappedTtlBlocks} blocks unless that nonce arrives";
        return new AdmissionResult(AdmissionCode.Admitted, entry.Id, reason) { Executable = entry.Ready };
    }

    /// <summary>Gives back the place of a transaction whose signature failed: what followed it waits again.</summary>
    // Called under _gate.
    private void Release(Entry entry)
    {
        if (!_byId.TryGetValue(entry.Id, out var held) || !ReferenceEquals(held, entry))
        {
            return;
        }

        var wasReady = entry.Ready;
        RemoveEntry(entry);
        if (wasReady && _bySender.TryGetValue(entry.Sender, out var queue))
        {
            Reclassify(queue, queue.Base);
        }
    }

    /// <summary>A sender's most pending transactions: its fixed bound, and once the executable ones crowd the pool, its fair share of them.</summary>
    // Called under _gate.
    private int SenderShare(bool fromPeer, int executableBound)
    {
        if (fromPeer || (long)_ready * 100 < (long)executableBound * _options.FairSharePercent)
        {
            return _options.MaxPerSender;
        }

        var share = executableBound / Math.Max(1, _bySender.Count);
        return Math.Clamp(share, Math.Min(_options.MinSenderShare, _options.MaxPerSender), _options.MaxPerSender);
    }

    // Called under _gate.
    private bool IsFull(int size) => _byId.Count >= _options.MaxTransactions || _bytes + size > _options.MaxBytes;

    /// <summary>A newly held entry at its sender's gap: it and every held nonce right after it become executable.</summary>
    // Called under _gate.
    private void ExtendRun(SenderQueue queue, Entry first)
    {
        var expected = first.Nonce;
        for (var k = queue.ByNonce.IndexOfKey(first.Nonce); k < queue.ByNonce.Count && queue.ByNonce.Keys[k] == expected; k++, expected++)
        {
            MarkReady(queue, queue.ByNonce.Values[k]);
        }

        queue.NextGap = expected;
    }

    /// <summary>
    /// Classifies a sender's entries against its committed next nonce: those below it are stale
    /// (the nonce was used) and go, the unbroken run from it is executable, the rest waits.
    /// </summary>
    // Called under _gate.
    private void Reclassify(SenderQueue queue, ulong next)
    {
        while (queue.ByNonce.Count > 0 && queue.ByNonce.Keys[0] < next)
        {
            var stale = queue.ByNonce.Values[0];
            RemoveEntry(stale);
            RememberDropped(stale.Id, $"nonce {stale.Nonce} was used by another committed transaction of its sender");
        }

        if (queue.ByNonce.Count == 0)
        {
            return;
        }

        queue.Base = next;
        var expected = next;
        for (var k = 0; k < queue.ByNonce.Count; k++)
        {
            var e = queue.ByNonce.Values[k];
            if (e.Nonce == expected)
            {
                MarkReady(queue, e);
                expected++;
            }
            else
            {
                MarkGapped(queue, e);
            }
        }

        queue.NextGap = expected;
    }

    // Called under _gate.
    private void MarkReady(SenderQueue queue, Entry e)
    {
        if (e.Ready)
        {
            return;
        }

        if (e.GapNode is not null)
        {
            _gappedOrder.Remove(e.GapNode);
            e.GapNode = null;
            queue.Gapped--;
            _gappedOfNew -= e.OfNewSender ? 1 : 0;
            if (e.Tx is not null && _promoted.Count < MaxPromotedOutbox)
            {
                _promoted.Add(e.Signed);
            }
        }

        e.Ready = true;
        _ready++;
    }

    // Called under _gate.
    private void MarkGapped(SenderQueue queue, Entry e)
    {
        if (e.Ready)
        {
            e.Ready = false;
            _ready--;
        }

        if (e.GapNode is null)
        {
            // Its time to live counts from when its gap opened, which keeps the list in height order.
            e.GappedSince = Height;
            e.GapNode = _gappedOrder.AddLast(e);
            queue.Gapped++;
            _gappedOfNew += e.OfNewSender ? 1 : 0;
        }
    }

    // Called under _gate.
    private void RemoveEntry(Entry entry)
    {
        _byId.Remove(entry.Id);
        if (entry.Node is not null)
        {
            _arrivalOrder.Remove(entry.Node);
            entry.Node = null;
        }

        _bySender.TryGetValue(entry.Sender, out var queue);
        if (entry.GapNode is not null)
        {
            _gappedOrder.Remove(entry.GapNode);
            entry.GapNode = null;
            _gappedOfNew -= entry.OfNewSender ? 1 : 0;
            if (queue is not null)
            {
                queue.Gapped--;
            }
        }

        if (entry.Ready)
        {
            entry.Ready = false;
            _ready--;
        }

        if (queue is not null)
        {
            queue.ByNonce.Remove(entry.Nonce);
            if (queue.ByNonce.Count == 0)
            {
                _bySender.Remove(entry.Sender);
            }
        }

        _bytes -= entry.Size;
        _metrics?.SetMempoolSize(_byId.Count);
    }
}

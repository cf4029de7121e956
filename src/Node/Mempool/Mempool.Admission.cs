using GovChain.Core.Transactions;

namespace GovChain.Node.Mempool;

public sealed partial class TransactionPool
{
    // Called under _gate.
    private AdmissionResult Insert(VerifiedTransaction tx)
    {
        if (_byId.ContainsKey(tx.Id))
        {
            return Refuse(AdmissionCode.AlreadyKnown, tx.Id, "transaction is already in the mempool");
        }

        var next = _committedNextNonce(tx.Sender);
        if (tx.Nonce < next)
        {
            return Refuse(AdmissionCode.NonceTooLow, tx.Id, $"nonce {tx.Nonce} was already used; the sender's next nonce is {next}");
        }

        if (tx.Nonce - next >= _options.MaxNonceGap)
        {
            return Refuse(AdmissionCode.NonceTooHigh, tx.Id, $"nonce {tx.Nonce} is too far ahead of the sender's next nonce {next}");
        }

        _bySender.TryGetValue(tx.Sender, out var pending);
        if (pending is not null && pending.ContainsKey(tx.Nonce))
        {
            return Refuse(AdmissionCode.NonceTaken, tx.Id, $"another transaction of this sender with nonce {tx.Nonce} is already pending");
        }

        if (pending is not null && pending.Count >= _options.MaxPerSender)
        {
            return Refuse(AdmissionCode.SenderFull, tx.Id, $"the sender already has {pending.Count} pending transactions; retry after some commit");
        }

        if (_byId.Count >= _options.MaxTransactions || _bytes + tx.Size > _options.MaxBytes)
        {
            return Refuse(AdmissionCode.PoolFull, tx.Id, $"the mempool is full ({_byId.Count} transactions, {_bytes} bytes); retry later");
        }

        var entry = new Entry(tx);
        entry.Node = _arrivalOrder.AddLast(entry);
        _byId.Add(tx.Id, entry);
        if (pending is null)
        {
            pending = [];
            _bySender.Add(tx.Sender, pending);
        }

        pending.Add(tx.Nonce, entry);
        _bytes += entry.Size;
        _metrics?.SetMempoolSize(_byId.Count);
        return new AdmissionResult(AdmissionCode.Admitted, tx.Id, string.Empty);
    }

    // Called under _gate.
    private void RemoveEntry(Entry entry)
    {
        _byId.Remove(entry.Tx.Id);
        if (entry.Node is not null)
        {
            _arrivalOrder.Remove(entry.Node);
            entry.Node = null;
        }

        if (_bySender.TryGetValue(entry.Tx.Sender, out var pending))
        {
            pending.Remove(entry.Tx.Nonce);
            if (pending.Count == 0)
            {
                _bySender.Remove(entry.Tx.Sender);
            }
        }

        _bytes -= entry.Size;
        _metrics?.SetMempoolSize(_byId.Count);
    }
}

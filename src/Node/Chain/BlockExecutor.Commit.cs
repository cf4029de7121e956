using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage;

namespace GovChain.Node.Chain;

/// <summary>Committing decided blocks and blocks fetched by block sync.</summary>
public sealed partial class BlockExecutor
{
    /// <summary>
    /// Commits a block consensus decided (the certificate was assembled from checked
    /// precommits). Its prepared result is taken from the cache; a block this node never
    /// executed (decided while it was elsewhere) is fully checked and executed first.
    /// </summary>
    public CommittedBlock Commit(Block block, Hash32 hash, CommitCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(certificate);
        if (!_prepared.TryGetValue(hash, out var prepared))
        {
            var problem = CheckHeader(block, live: false) ?? VerifyTransactions(block, out var txs) ?? Execute(block, hash, txs!, out prepared);
            if (problem is not null)
            {
                // More than 2/3 of the power certified a block this node finds invalid: its
                // state or code differs from theirs. Writing nothing is the only safe answer.
                throw new StorageException($"Decided block {block.Header?.Height} {hash.ToShortString()} does not execute here: {problem}.");
            }
        }

        return Write(prepared!, certificate);
    }

    /// <summary>
    /// Checks and commits a block fetched from a peer: its certificate against the validator
    /// set of its height, its link to the last block, its body and its re-executed roots.
    /// Returns null when committed, else why it was refused (nothing is written then).
    /// </summary>
    public string? ApplySynced(CertifiedBlock certified, out CommittedBlock? committed)
    {
        ArgumentNullException.ThrowIfNull(certified);
        committed = null;
        var block = certified.Block;
        if (block?.Header is null || certified.Certificate is null)
        {
            return "block or certificate missing";
        }

        var height = block.Header.Height;
        var hash = block.Header.Hash();
        var check = CommitCertificates.Verify(certified.Certificate, _validators.For(height), _genesis.SigningChainId, height, hash);
        if (!check.IsValid)
        {
            return $"certificate of block {height}: {check.Reason}";
        }

        if (!_prepared.TryGetValue(hash, out var prepared))
        {
            var problem = CheckHeader(block, live: false) ?? VerifyTransactions(block, out var txs) ?? Execute(block, hash, txs!, out prepared);
            if (problem is not null)
            {
                return $"block {height}: {problem}";
            }
        }

        committed = Write(prepared!, certified.Certificate);
        return null;
    }

    private CommittedBlock Write(PreparedBlock prepared, CommitCertificate certificate)
    {
        var block = prepared.Block;
        var receipts = prepared.Execution.Receipts;
        _db.Blocks.Append(block, certificate, receipts, prepared.State);
        _prepared.Clear();

        // The append checked each receipt's tx id against its transaction: no need to hash them again.
        var ids = new Hash32[block.Transactions.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = new Hash32(receipts[i].TxId.Span);
        }

        _pool.RemoveCommitted(ids);
        var height = block.Header.Height;
        _metrics.BlocksCommitted.Add(1);
        _metrics.TransactionsCommitted.Add(ids.Length);
        _metrics.SetHeight(height);
        LastCommitLatencyMs = Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - block.Header.TimeUnixMs);
        foreach (var id in ids)
        {
            if (Admissions.Committed(id) is { } seconds)
            {
                _metrics.CommitLatency.Record(seconds);
            }
        }

        if (Admissions.Count > _pool.Count)
        {
            // Some timed transactions were evicted as stale without committing.
            Admissions.Retain(id => _pool.Contains(id));
        }

        var certified = new CertifiedBlock { Block = block, Certificate = certificate };
        certified.Receipts.AddRange(receipts);
        _feed.Publish(certified);
        LogCommitted(_logger, height, prepared.Hash.ToShortString(), ids.Length);
        var update = prepared.Execution.ValidatorUpdate;
        if (update is not null)
        {
            LogValidatorChange(_logger, update.EffectiveFromHeight, update.Validators.Count, update.Validators.TotalPower);
        }

        return new CommittedBlock(height, prepared.Hash, ids.Length, update);
    }

    /// <summary>Admission times of pending transactions, for the admission-to-commit latency histogram.</summary>
    public AdmissionTimes Admissions { get; }

    /// <summary>Milliseconds from the last block's time (set by its proposer) to its commit here.</summary>
    public double LastCommitLatencyMs { get; private set; }
}

using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Node.Chain;

/// <summary>Validation of blocks proposed by others or fetched by block sync.</summary>
public sealed partial class BlockExecutor
{
    /// <summary>
    /// Every check that needs no execution: chain, height, parent link, time, body against
    /// header, validator set hashes, proposer, parent certificate and evidence.
    /// </summary>
    private string? CheckHeader(Block block, bool live)
    {
        var header = block.Header;
        if (header is null)
        {
            return "block has no header";
        }

        var height = header.Height;
        if (header.ChainId != _genesis.ChainId)
        {
            return $"block is for chain '{header.ChainId}'";
        }

        if (height != _db.Blocks.LastHeight + 1)
        {
            return $"block is for height {height}, the next height is {_db.Blocks.LastHeight + 1}";
        }

        if (!ParentHash(height).Equals(header.PreviousHash.Span))
        {
            return "block does not link to the last committed block";
        }

        if (header.TimeUnixMs <= ParentTime(height))
        {
            return "block time is not after its parent's";
        }

        if (live && header.TimeUnixMs > (_time.GetUtcNow() + MaxClockDrift).ToUnixTimeMilliseconds())
        {
            return "block time is too far in the future";
        }

        if (block.Transactions.Count > MaxBlockTxs || block.CalculateSize() > MaxBlockBytes)
        {
            return "block exceeds the block size bounds";
        }

        if (block.Evidence.Count > MaxEvidencePerBlock)
        {
            return "block carries too much evidence";
        }

        var bodyProblem = BlockHashing.CheckBodyAgainstHeader(block);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        var set = _validators.For(height);
        if (!set.Hash.Equals(header.ValidatorSetHash.Span) || !_validators.For(height + 1).Hash.Equals(header.NextValidatorSetHash.Span))
        {
            return "validator set hashes do not match this chain's validators";
        }

        if (!set.Contains(header.Proposer.Span))
        {
            return "proposer is not a validator";
        }

        if (height > 1)
        {
            var parentHash = _db.Blocks.LastBlockHash;
            var check = CommitCertificates.Verify(block.LastCommit, _validators.For(height - 1), _genesis.ChainId, height - 1, parentHash);
            if (!check.IsValid)
            {
                return "parent certificate: " + check.Reason;
            }
        }

        // Not live means certified: decided here, or fetched by block sync with its certificate.
        return CheckBlockEvidence(block.Evidence, height, certified: !live);
    }

    /// <summary>
    /// The verified form of every transaction: the mempool's instance when it holds the
    /// transaction (verified once on admission), else verified here, in parallel.
    /// </summary>
    private string? VerifyTransactions(Block block, out VerifiedTransaction[]? verified)
    {
        var count = block.Transactions.Count;
        var result = new VerifiedTransaction[count];
        var missing = new List<int>();
        var ids = new HashSet<Hash32>();
        for (var i = 0; i < count; i++)
        {
            var id = block.Transactions[i].Id();
            if (!ids.Add(id))
            {
                verified = null;
                return $"transaction {id.ToShortString()} appears twice";
            }

            if (_pool.TryGetVerified(id, out var held))
            {
                result[i] = held!;
            }
            else
            {
                missing.Add(i);
            }

            if (_db.Blocks.GetTransaction(id) is not null)
            {
                verified = null;
                return $"transaction {id.ToShortString()} is already committed";
            }
        }

        string? failure = null;
        Parallel.ForEach(missing, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            if (TransactionVerifier.TryVerify(block.Transactions[i], _genesis.ChainId, MaxTxBytes, out var v, out _, out var reason))
            {
                result[i] = v!;
            }
            else
            {
                Interlocked.CompareExchange(ref failure, $"transaction {i}: {reason}", null);
            }
        });

        verified = failure is null ? result : null;
        return failure;
    }

    /// <summary>Executes a checked block on the latest state and compares the roots; caches the result when they match.</summary>
    private string? Execute(Block block, Hash32 hash, VerifiedTransaction[] txs, out PreparedBlock? prepared)
    {
        prepared = null;
        var execution = _engine.ExecuteBlock(Context(block.Header), txs, _db.State.Latest());
        if (!BlockHashing.ReceiptsRoot(execution.Receipts).Equals(block.Header.ReceiptsRoot.Span))
        {
            LogRejected(_logger, block.Header.Height, hash.ToShortString(), "receipts root differs");
            return "receipts root differs from this node's execution";
        }

        var state = _db.State.Prepare(block.Header.Height, execution.Changes);
        if (!state.Root.Equals(block.Header.StateRoot.Span))
        {
            LogRejected(_logger, block.Header.Height, hash.ToShortString(), "state root differs");
            return "state root differs from this node's execution";
        }

        prepared = new PreparedBlock(block, hash, execution, state);
        Remember(prepared);
        return null;
    }
}

using GovChain.Contracts.Engine;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Node.Mempool;
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
            var check = CommitCertificates.Verify(block.LastCommit, _validators.For(height - 1), _genesis.SigningChainId, height - 1, parentHash);
            if (!check.IsValid)
            {
                return "parent certificate: " + check.Reason;
            }
        }

        // Not live means certified: decided here, or fetched by block sync with its certificate.
        return CheckBlockEvidence(block.Evidence, height, certified: !live);
    }

    /// <summary>
    /// The verified form of every transaction, checked cheapest first: no duplicate or committed
    /// id, the exact encoding of body and signature, each sender's nonces in unbroken order from
    /// its committed next nonce, then the signatures. The mempool's verified instance stands in
    /// for a signature check only when the block carries it byte for byte (the tx id hashes the
    /// body alone, so a proposer could otherwise pair a pooled body with a forged signature and
    /// have it certified and stored); anything else is verified here, in parallel. So a block with
    /// a bad signature or an out-of-order nonce is invalid on every node, whatever its pool holds.
    /// </summary>
    /// <remarks>
    /// Nonce order is a validity rule and not only an execution outcome: the engine would record
    /// a transaction out of its sender's order as committed with an error, consuming the
    /// sender's signed transaction for nothing (and, once its id is committed, for good); only the
    /// proposer chooses the order, so only the proposer could do that to a sender. The rule reads
    /// the parent state and the block order only, so every node decides it alike.
    /// </remarks>
    private string? VerifyTransactions(Block block, out VerifiedTransaction[]? verified)
    {
        verified = null;
        var count = block.Transactions.Count;
        var result = new VerifiedTransaction[count];
        var missing = new List<int>();
        var ids = new HashSet<Hash32>();
        var state = _db.State.Latest();
        var expectedNonce = new Dictionary<Hash32, ulong>();
        for (var i = 0; i < count; i++)
        {
            var tx = block.Transactions[i];
            var id = tx.Id();
            if (!ids.Add(id))
            {
                return $"transaction {id.ToShortString()} appears twice";
            }

            if (_db.Blocks.GetTransaction(id) is not null)
            {
                return $"transaction {id.ToShortString()} is already committed";
            }

            if (tx.CalculateSize() != TransactionPool.CanonicalSize(tx))
            {
                return $"transaction {i}: carries fields beyond its body and signature";
            }

            TransactionBody body;
            if (_pool.TryGetVerified(id, out var held) && held!.Signed.Signature.Equals(tx.Signature) && held.Signed.Body.Equals(tx.Body))
            {
                result[i] = held;
                body = held.Body;
            }
            else
            {
                if (!TransactionCodec.TryParseBody(tx.Body, out var parsed, out var reason))
                {
                    return $"transaction {i}: {reason}";
                }

                body = parsed!;
                missing.Add(i);
            }

            if (body.Sender.Length != Hash32.Size)
            {
                return $"transaction {i}: sender key is {body.Sender.Length} bytes";
            }

            var sender = new Hash32(body.Sender.Span);
            if (!expectedNonce.TryGetValue(sender, out var expected))
            {
                expected = ContractEngine.NextNonce(state, body.Sender.Span);
            }

            if (body.Nonce != expected)
            {
                return $"transaction {i}: nonce {body.Nonce} is not its sender's next nonce {expected} in block order";
            }

            expectedNonce[sender] = expected + 1;
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

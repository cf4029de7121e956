using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Grpc.Server;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Grpc.ClientApi;

public sealed partial class ClientApiService
{
    private readonly ValidatorSetResolver _validatorSets;
    private readonly ValidatorSetHopIndex _hops;

    public override Task<TransactionProof> GetTransactionProof(GetTransactionRequest request, ServerCallContext context)
    {
        var id = ParseTxId(request.TxId);
        var stored = _db.Blocks.GetTransaction(id) ?? throw RpcErrors.Of(StatusCode.NotFound, $"no committed transaction {id}");
        var block = _db.Blocks.GetBlock(stored.Height)
            ?? throw RpcErrors.Of(StatusCode.Internal, $"block {stored.Height} of a committed transaction is missing");
        var receipts = _db.Blocks.GetReceipts(stored.Height)
            ?? throw RpcErrors.Of(StatusCode.Internal, $"receipts of block {stored.Height} are missing");

        var txIds = new Hash32[block.Block.Transactions.Count];
        for (var i = 0; i < txIds.Length; i++)
        {
            txIds[i] = block.Block.Transactions[i].Id();
        }

        var receiptHashes = new Hash32[receipts.Count];
        for (var i = 0; i < receiptHashes.Length; i++)
        {
            receiptHashes[i] = receipts[i].Hash();
        }

        var index = (int)stored.Index;
        var proof = new TransactionProof
        {
            Transaction = stored.Transaction,
            Receipt = stored.Receipt,
            Header = block.Block.Header,
            Certificate = block.Certificate,
            TxInclusion = MerkleTree.ProveHash(txIds, index).ToProto(),
            ReceiptInclusion = MerkleTree.ProveHash(receiptHashes, index).ToProto(),
            Validators = ValidatorsOf(block.Block.Header),
        };
        proof.ValidatorSetHops.AddRange(_hops.Before(stored.Height));
        return Task.FromResult(proof);
    }

    public override Task<CertifiedStateProof> GetStateProof(GetStateProofRequest request, ServerCallContext context)
    {
        if (request.Key.IsEmpty || request.Key.Length > StateTreeHashing.MaxKeyBytes)
        {
            throw RpcErrors.Of(StatusCode.InvalidArgument, $"a state key is 1 to {StateTreeHashing.MaxKeyBytes} bytes, not {request.Key.Length}");
        }

        var last = _db.Blocks.LastHeight;
        if (last == 0)
        {
            throw RpcErrors.Of(StatusCode.FailedPrecondition, "no block is committed yet, so no state root is certified");
        }

        var height = request.Height == 0 ? last : request.Height;
        if (height > last)
        {
            throw RpcErrors.Of(StatusCode.OutOfRange, $"height {height} is not committed yet (the last is {last})");
        }

        if (height < _db.State.OldestHeight)
        {
            throw RpcErrors.Of(StatusCode.FailedPrecondition, $"the state at height {height} is pruned on this node (the oldest kept is {_db.State.OldestHeight})");
        }

        var block = _db.Blocks.GetBlock(height) ?? throw RpcErrors.Of(StatusCode.Internal, $"block {height} is missing");
        var proof = new CertifiedStateProof
        {
            Proof = _db.State.Prove(request.Key.Span, height),
            Header = block.Block.Header,
            Certificate = block.Certificate,
            Validators = ValidatorsOf(block.Block.Header),
        };
        proof.ValidatorSetHops.AddRange(_hops.Before(height));
        return Task.FromResult(proof);
    }

    /// <summary>The validator set that certifies <paramref name="header"/>; the public page names its signers with it.</summary>
    internal ValidatorSet ValidatorsOf(BlockHeader header) =>
        _validatorSets.Find(header)?.ToProto()
        ?? throw RpcErrors.Of(StatusCode.Internal, $"the validator set of block {header.Height} is not known to this node");
}

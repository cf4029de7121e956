using Google.Protobuf;
using GovChain.Contracts;
using GovChain.Contracts.Engine;
using GovChain.Core.Blocks;
using GovChain.Core.Transactions;
using GovChain.Node.Chain;
using GovChain.Node.Hosting;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Chain;

/// <summary>
/// Transactions a Byzantine proposer puts in a block: each rule here must hold on every node
/// whatever its mempool holds, so the blocks are built by hand with roots that match their
/// execution — the only thing wrong with them is what the test is about.
/// </summary>
public sealed class BlockTransactionChecksTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new(1, inMemory: true);
    private GovChainNode _node = null!;

    public Task InitializeAsync()
    {
        _node = _cluster.Create(0);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private BlockExecutor Executor => _node.Executor;

    private static SignedTransaction Forged(SignedTransaction tx)
    {
        var signature = tx.Signature.ToByteArray();
        signature[7] ^= 0x10;
        return new SignedTransaction { Body = tx.Body, Signature = ByteString.CopyFrom(signature) };
    }

    /// <summary>
    /// Height 1 carrying <paramref name="carried"/>, with every root as its execution gives:
    /// executed as if each carried transaction were the valid <paramref name="executed"/> one
    /// with the same body (a signature never changes what a transaction does).
    /// </summary>
    private Block BlockOf(Block empty, SignedTransaction[] carried, SignedTransaction[] executed)
    {
        var block = empty.Clone();
        block.Transactions.AddRange(carried);
        block.Header.TxCount = (uint)carried.Length;
        block.Header.TxRoot = ByteString.CopyFrom(BlockHashing.TxRoot(block.Transactions).ToArray());
        var verified = executed.Select(t =>
        {
            Assert.True(TransactionVerifier.TryVerify(t, TestCluster.ChainId, 1 << 16, out var v, out _, out var reason), reason);
            return v!;
        }).ToArray();
        var header = block.Header;
        var execution = _node.Engine.ExecuteBlock(new BlockContext(header.ChainId, header.Height, header.TimeUnixMs, header.Proposer), verified, _node.Database.State.Latest());
        header.StateRoot = ByteString.CopyFrom(_node.Database.State.Prepare(header.Height, execution.Changes).Root.ToArray());
        header.ReceiptsRoot = ByteString.CopyFrom(BlockHashing.ReceiptsRoot(execution.Receipts).ToArray());
        return block;
    }

    private CommitCertificate Certify(Block block)
    {
        var hash = block.Header.Hash();
        var vote = Votes.Sign(_cluster.Genesis.SigningChainId, VoteType.Precommit, block.Header.Height, 0, hash, _cluster.ValidatorKeys[0]);
        return CommitCertificates.FromPrecommits(block.Header.Height, 0, hash, [vote]);
    }

    [Fact]
    public void Validate_PooledBodyWithForgedSignature_IsRefused()
    {
        var empty = Executor.BuildProposal(1, []).Block;
        var tx = _cluster.Sign(_cluster.Key(950), IdentityCalls.Register(TestCluster.Sha("strip")), 1);
        Assert.True(_node.SubmitTransactions([tx])[0].IsAdmitted);
        var block = BlockOf(empty, [Forged(tx)], [tx]);

        var problem = Executor.Validate(block, block.Header.Hash());

        Assert.NotNull(problem);
        Assert.StartsWith("transaction 0", problem);
    }

    [Fact]
    public void ApplySynced_CertifiedBlockWithForgedSignatureOfPooledTransaction_IsRefusedAndStoresNothing()
    {
        var empty = Executor.BuildProposal(1, []).Block;
        var tx = _cluster.Sign(_cluster.Key(951), IdentityCalls.Register(TestCluster.Sha("strip-sync")), 1);
        Assert.True(_node.SubmitTransactions([tx])[0].IsAdmitted);
        var block = BlockOf(empty, [Forged(tx)], [tx]);
        var certified = new CertifiedBlock { Block = block, Certificate = Certify(block) };

        var problem = Executor.ApplySynced(certified, out var committed);

        Assert.NotNull(problem);
        Assert.Null(committed);
        Assert.Equal(0UL, _node.Database.Blocks.LastHeight);
    }

    [Fact]
    public void Validate_PooledTransactionCarriedByteForByte_IsValid()
    {
        var empty = Executor.BuildProposal(1, []).Block;
        var tx = _cluster.Sign(_cluster.Key(952), IdentityCalls.Register(TestCluster.Sha("same")), 1);
        Assert.True(_node.SubmitTransactions([tx])[0].IsAdmitted);
        var block = BlockOf(empty, [tx], [tx]);

        Assert.Null(Executor.Validate(block, block.Header.Hash()));
    }

    [Fact]
    public void Validate_TransactionWithFieldsBeyondBodyAndSignature_IsRefused()
    {
        var empty = Executor.BuildProposal(1, []).Block;
        var tx = _cluster.Sign(_cluster.Key(953), IdentityCalls.Register(TestCluster.Sha("padded")), 1);
        Assert.True(_node.SubmitTransactions([tx])[0].IsAdmitted);

        // Field 15 is unknown to SignedTransaction: it survives parsing and is covered by no signature.
        var bytes = tx.ToByteArray().Concat(new byte[] { 0x7A, 0x03, 0x01, 0x02, 0x03 }).ToArray();
        var padded = SignedTransaction.Parser.ParseFrom(bytes);
        var block = BlockOf(empty, [padded], [tx]);

        var problem = Executor.Validate(block, block.Header.Hash());

        Assert.NotNull(problem);
        Assert.StartsWith("transaction 0", problem);
    }

    [Fact]
    public void Validate_TransactionAheadOfItsSendersNextNonce_IsRefused_SoItIsNotConsumedWithAnError()
    {
        var empty = Executor.BuildProposal(1, []).Block;
        var citizen = _cluster.Key(954);
        var gapped = _cluster.Sign(citizen, IdentityCalls.Register(TestCluster.Sha("gap")), 2);
        Assert.True(_node.SubmitTransactions([gapped])[0].IsAdmitted);
        var block = BlockOf(empty, [gapped], [gapped]);

        var problem = Executor.Validate(block, block.Header.Hash());

        Assert.NotNull(problem);
        Assert.Contains("nonce", problem);
        Assert.True(_node.Mempool.Contains(gapped.Id()));
    }

    [Fact]
    public void Validate_SendersNoncesOutOfOrderWithinTheBlock_IsRefused_InOrderIsValid()
    {
        var empty = Executor.BuildProposal(1, []).Block;
        var citizen = _cluster.Key(955);
        var first = _cluster.Sign(citizen, IdentityCalls.Register(TestCluster.Sha("o1")), 1);
        var second = _cluster.Sign(citizen, IdentityCalls.Register(TestCluster.Sha("o2")), 2);

        var reversed = BlockOf(empty, [second, first], [second, first]);
        var ordered = BlockOf(empty, [first, second], [first, second]);

        Assert.Contains("nonce", Executor.Validate(reversed, reversed.Header.Hash()));
        Assert.Null(Executor.Validate(ordered, ordered.Header.Hash()));
    }
}

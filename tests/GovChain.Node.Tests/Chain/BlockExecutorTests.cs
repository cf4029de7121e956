using Google.Protobuf;
using GovChain.Contracts;
using GovChain.Core.Blocks;
using GovChain.Node.Chain;
using GovChain.Node.Hosting;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Storage;

namespace GovChain.Node.Tests.Chain;

public sealed class BlockExecutorTests : IAsyncLifetime
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

    private CommitCertificate Certify(Block block)
    {
        var hash = block.Header.Hash();
        var vote = Votes.Sign(_cluster.Genesis.SigningChainId, VoteType.Precommit, block.Header.Height, 0, hash, _cluster.ValidatorKeys[0]);
        return CommitCertificates.FromPrecommits(block.Header.Height, 0, hash, [vote]);
    }

    [Fact]
    public void BuildProposal_WithMempoolTransactions_FillsEveryHeaderFieldConsistently()
    {
        var citizen = _cluster.Key(900);
        Assert.True(_node.SubmitTransactions([_cluster.Sign(citizen, IdentityCalls.Register(TestCluster.Sha("c")), 1)])[0].IsAdmitted);

        var proposal = Executor.BuildProposal(1, []);

        var header = proposal.Block.Header;
        Assert.Null(BlockHashing.CheckBodyAgainstHeader(proposal.Block));
        Assert.Equal(1u, header.TxCount);
        Assert.True(header.TimeUnixMs > _cluster.Genesis.Proto.GenesisTimeUnixMs);
        Assert.True(_cluster.Genesis.Hash.Equals(header.PreviousHash.Span));
        Assert.True(_cluster.Genesis.Validators.Hash.Equals(header.ValidatorSetHash.Span));
        Assert.True(_cluster.Genesis.Validators.Hash.Equals(header.NextValidatorSetHash.Span));
        Assert.True(proposal.State.Root.Equals(header.StateRoot.Span));
        Assert.True(BlockHashing.ReceiptsRoot(proposal.Execution.Receipts).Equals(header.ReceiptsRoot.Span));
        Assert.Equal(_cluster.ValidatorKeys[0].PublicKey.ToArray(), header.Proposer.ToByteArray());
    }

    [Fact]
    public void BuildProposal_AfterSlowExecution_OffersOnlyWhatFitsTheBudget_AndLeavesTheRestPending()
    {
        var citizens = Enumerable.Range(0, 150).Select(i => _cluster.Key(1000 + i)).ToArray();
        var txs = citizens.Select((c, i) => _cluster.Sign(c, IdentityCalls.Register(TestCluster.Sha("budget" + i)), 1)).ToArray();
        Assert.All(_node.SubmitTransactions(txs), r => Assert.True(r.IsAdmitted));

        // As if blocks had been taking 5 ms per transaction: the 400 ms budget holds 80.
        Executor.Budget.ExecutionBudget = TimeSpan.FromMilliseconds(400);
        Executor.Budget.Observe(1000, TimeSpan.FromSeconds(5));

        var proposal = Executor.BuildProposal(1, []);

        Assert.Equal(80u, proposal.Block.Header.TxCount);
        Assert.Null(BlockHashing.CheckBodyAgainstHeader(proposal.Block));
        Assert.Equal(150, _node.Mempool.Count);
    }

    [Fact]
    public void Validate_TamperedStateRoot_IsRefusedAndCommitsNothing()
    {
        var block = Executor.BuildProposal(1, []).Block.Clone();
        var root = block.Header.StateRoot.ToByteArray();
        root[0] ^= 1;
        block.Header.StateRoot = ByteString.CopyFrom(root);

        var problem = Executor.Validate(block, block.Header.Hash());

        Assert.Contains("state root", problem);
        Assert.Equal(0ul, _node.Database.Blocks.LastHeight);
    }

    [Fact]
    public void Validate_BadTransactionSignature_IsRefused()
    {
        var citizen = _cluster.Key(901);
        var tx = _cluster.Sign(citizen, IdentityCalls.Register(TestCluster.Sha("x")), 1);
        var signature = tx.Signature.ToByteArray();
        signature[5] ^= 0x40;
        tx.Signature = ByteString.CopyFrom(signature);
        var block = Executor.BuildProposal(1, []).Block.Clone();
        block.Transactions.Add(tx);
        block.Header.TxCount = 1;
        block.Header.TxRoot = ByteString.CopyFrom(BlockHashing.TxRoot(block.Transactions).ToArray());

        var problem = Executor.Validate(block, block.Header.Hash());

        Assert.NotNull(problem);
        Assert.StartsWith("transaction 0", problem);
    }

    [Fact]
    public void Validate_TimeNotAfterParent_IsRefused()
    {
        var block = Executor.BuildProposal(1, []).Block.Clone();
        block.Header.TimeUnixMs = _cluster.Genesis.Proto.GenesisTimeUnixMs;

        Assert.Contains("time", Executor.Validate(block, block.Header.Hash()));
    }

    [Fact]
    public void Commit_OfAnotherNodesValidBlock_ExecutesOnceAndPublishes()
    {
        var block = Executor.BuildProposal(1, []).Block;
        Assert.Null(Executor.Validate(block, block.Header.Hash()));

        var committed = Executor.Commit(block, block.Header.Hash(), Certify(block));

        Assert.Equal(1ul, committed.Height);
        Assert.Equal(1ul, _node.Database.Blocks.LastHeight);
        Assert.Equal(1ul, _node.CommitFeed.Height);
        Assert.True(_node.Database.State.Root.Equals(block.Header.StateRoot.Span));
    }

    [Fact]
    public void ApplySynced_CertificateWithoutQuorum_IsRefusedAndWritesNothing()
    {
        var block = Executor.BuildProposal(1, []).Block;
        var forged = Certify(block);
        forged.Signatures[0].Signature = ByteString.CopyFrom(new byte[64]);

        var problem = Executor.ApplySynced(new CertifiedBlock { Block = block, Certificate = forged }, out var committed);

        Assert.Contains("certificate", problem);
        Assert.Null(committed);
        Assert.Equal(0ul, _node.Database.Blocks.LastHeight);
    }

    [Fact]
    public void Commit_DecidedBlockThatDoesNotExecuteHere_Throws_AndWritesNothing()
    {
        var block = Executor.BuildProposal(1, []).Block.Clone();
        block.Header.ReceiptsRoot = ByteString.CopyFrom(new byte[32]);

        Assert.Throws<StorageException>(() => Executor.Commit(block, block.Header.Hash(), Certify(block)));
        Assert.Equal(0ul, _node.Database.Blocks.LastHeight);
    }
}

using GovChain.Contracts;
using GovChain.Core.Blocks;
using GovChain.Core.Transactions;
using GovChain.Node.Hosting;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Chain;

public sealed class CommitFeedTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new(1, inMemory: true);
    private GovChainNode _node = null!;

    public Task InitializeAsync()
    {
        _node = _cluster.Create(0);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private void CommitNext()
    {
        var height = _node.Database.Blocks.LastHeight + 1;
        var block = _node.Executor.BuildProposal(height, []).Block;
        var hash = block.Header.Hash();
        var vote = Votes.Sign(_cluster.Genesis.SigningChainId, VoteType.Precommit, height, 0, hash, _cluster.ValidatorKeys[0]);
        _node.Executor.Commit(block, hash, CommitCertificates.FromPrecommits(height, 0, hash, [vote]));
    }

    [Fact]
    public void Publish_LargeBlocks_KeepsTheBlocksInMemoryWithinTheByteBound()
    {
        var feed = new GovChain.Node.Chain.CommitFeed(_node.Database.Blocks, maxRecentBytes: 1024 * 1024);
        for (ulong height = 1; height <= 20; height++)
        {
            var block = new CertifiedBlock { Block = new Block { Header = new BlockHeader { Height = height } } };
            block.Receipts.Add(new Receipt { Result = Google.Protobuf.ByteString.CopyFrom(new byte[300 * 1024]) });
            feed.Publish(block);
        }

        Assert.InRange(feed.RecentBytes, 300 * 1024, 1024 * 1024);
        Assert.Equal(20ul, feed.Height);
    }

    [Fact]
    public async Task SubscribeAsync_FromAStoredHeight_YieldsStoredThenLiveBlocksInOrderWithoutGaps()
    {
        for (var i = 0; i < 3; i++)
        {
            CommitNext();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<ulong>();
        var reader = Task.Run(async () =>
        {
            await foreach (var block in _node.CommitFeed.SubscribeAsync(2, cts.Token))
            {
                seen.Add(block.Block.Header.Height);
                if (seen.Count == 4)
                {
                    break;
                }
            }
        });
        await TestCluster.WaitUntilAsync(() => seen.Count >= 2, "stored blocks read");
        CommitNext();
        CommitNext();
        await reader;

        Assert.Equal([2ul, 3, 4, 5], seen);
    }

    [Fact]
    public async Task WaitForTransactionAsync_CompletesOnCommit_AndAtOnceWhenAlreadyCommitted()
    {
        var tx = _cluster.Sign(_cluster.Key(700), IdentityCalls.Register(TestCluster.Sha("w")), 1);
        Assert.True(_node.SubmitTransactions([tx])[0].IsAdmitted);
        Assert.Equal(1, _node.Executor.Admissions.Count);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var wait = _node.CommitFeed.WaitForTransactionAsync(tx.Id(), cts.Token);
        Assert.False(wait.IsCompleted);

        CommitNext();
        await wait;

        await _node.CommitFeed.WaitForTransactionAsync(tx.Id(), cts.Token);
        Assert.Equal(0, _node.Mempool.Count);
        Assert.Equal(0, _node.Executor.Admissions.Count);
    }

    [Fact]
    public async Task WaitForTransactionAsync_Cancelled_ThrowsAndForgetsTheWaiter()
    {
        var tx = _cluster.Sign(_cluster.Key(701), IdentityCalls.Register(TestCluster.Sha("n")), 1);
        using var cts = new CancellationTokenSource();
        var wait = _node.CommitFeed.WaitForTransactionAsync(tx.Id(), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}

using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Network;

public sealed class FetchBlocksTests
{
    private static async Task<List<CertifiedBlock>> FetchAllAsync(PeerCluster.Member member, ulong from, ulong to)
    {
        using var cts = new CancellationTokenSource(TestWait.Bound);
        var blocks = new List<CertifiedBlock>();
        await foreach (var fetched in member.Network!.FetchBlocksAsync(from, to, cts.Token))
        {
            blocks.Add(fetched.Block);
        }

        return blocks;
    }

    private static void AssertHeights(IEnumerable<CertifiedBlock> blocks, ulong from, ulong to) =>
        Assert.Equal(
            Enumerable.Range((int)from, (int)(to - from + 1)).Select(h => (ulong)h),
            blocks.Select(b => b.Block.Header.Height));

    [Fact]
    public async Task FetchBlocksAsync_RangeLongerThanOneCall_ReturnsEveryBlockInOrder()
    {
        var options = PeerCluster.TestOptions();
        options.MaxBlocksPerFetch = 16;
        await using var cluster = await PeerCluster.StartAsync(3, tls: true, options, (i, h) =>
        {
            if (i > 0)
            {
                h.AddBlocks(1, 100);
            }
        });

        var blocks = await FetchAllAsync(cluster[0], 5, 90);

        AssertHeights(blocks, 5, 90);
        Assert.Equal(FakePeerHandler.MakeBlock(40), blocks[35]);
    }

    [Fact]
    public async Task FetchBlocksAsync_NamesThePeerThatServedEachBlock()
    {
        await using var cluster = await PeerCluster.StartAsync(3, tls: false, setup: (i, h) =>
        {
            if (i == 2)
            {
                h.AddBlocks(1, 20);
            }
        });

        using var cts = new CancellationTokenSource(TestWait.Bound);
        var fetched = new List<FetchedBlock>();
        await foreach (var item in cluster[0].Network!.FetchBlocksAsync(1, 20, cts.Token))
        {
            fetched.Add(item);
        }

        AssertHeights(fetched.Select(f => f.Block), 1, 20);
        Assert.All(fetched, f => Assert.Equal(cluster[2].ValidatorKey, f.Source));
    }

    [Fact]
    public async Task FetchBlocksAsync_PeerWhoseStorageFails_FallsBackToAnother()
    {
        await using var cluster = await PeerCluster.StartAsync(3, tls: false, setup: (i, h) =>
        {
            h.AddBlocks(1, 30);
            h.FailReads = i == 1;
        });

        var blocks = await FetchAllAsync(cluster[0], 1, 30);

        AssertHeights(blocks, 1, 30);
    }

    [Fact]
    public async Task FetchBlocksAsync_PeerThatIsDown_FallsBackToAnother()
    {
        await using var cluster = await PeerCluster.StartAsync(3, tls: false, setup: (i, h) => h.AddBlocks(1, 40));
        await cluster.StopServerAsync(1);

        var blocks = await FetchAllAsync(cluster[0], 1, 40);

        AssertHeights(blocks, 1, 40);
    }

    [Fact]
    public async Task FetchBlocksAsync_PeersHoldingDifferentRanges_ContinuesWhereTheFirstStopped()
    {
        var options = PeerCluster.TestOptions();
        options.MaxBlocksPerFetch = 8;
        await using var cluster = await PeerCluster.StartAsync(3, tls: false, options, (i, h) =>
        {
            if (i == 1)
            {
                h.AddBlocks(1, 20);
            }
            else if (i == 2)
            {
                h.AddBlocks(1, 50);
            }
        });

        var blocks = await FetchAllAsync(cluster[0], 1, 50);

        AssertHeights(blocks, 1, 50);
    }

    [Fact]
    public async Task FetchBlocksAsync_NoPeerHasTheBlocks_EndsEarlyWithWhatExists()
    {
        await using var cluster = await PeerCluster.StartAsync(3, tls: false, setup: (i, h) => h.AddBlocks(1, 10));

        var blocks = await FetchAllAsync(cluster[0], 1, 25);

        AssertHeights(blocks, 1, 10);
        Assert.True(cluster[0].Logs.Has(5308, "11"));
    }

    [Fact]
    public async Task FetchBlocksAsync_PeerServingWrongHeights_IsSkippedAndReported()
    {
        await using var cluster = await PeerCluster.StartAsync(3, tls: false, setup: (i, h) =>
        {
            h.AddBlocks(1, 12);
            h.ServeWrongHeights = i == 2;
        });

        // Peers are taken in rotation, so within two fetches the faulty one is asked first once.
        var first = await FetchAllAsync(cluster[0], 1, 12);
        var second = await FetchAllAsync(cluster[0], 1, 12);

        AssertHeights(first, 1, 12);
        AssertHeights(second, 1, 12);
        Assert.True(cluster[0].Logs.Has(5307, "sent height 2 where 1 was due"));
        Assert.True(cluster[0].Logs.Has(5305, "dept-2"));
    }

    [Fact]
    public async Task FetchBlocksAsync_AfterTheServerIsReported_AsksAnotherForTheSameBlocks()
    {
        await using var cluster = await PeerCluster.StartAsync(3, tls: false, setup: (i, h) => h.AddBlocks(1, 10));
        using var cts = new CancellationTokenSource(TestWait.Bound);
        var first = new List<FetchedBlock>();
        await foreach (var item in cluster[0].Network!.FetchBlocksAsync(1, 10, cts.Token))
        {
            first.Add(item);
        }

        // The caller found block 1 bad: its server is reported, and the blocks are fetched again.
        var bad = first[0].Source;
        cluster[0].Network!.ReportMisbehaviour(bad, "block sync: served block 1 that does not verify");
        var again = new List<FetchedBlock>();
        await foreach (var item in cluster[0].Network!.FetchBlocksAsync(1, 10, cts.Token))
        {
            again.Add(item);
        }

        AssertHeights(again.Select(f => f.Block), 1, 10);
        Assert.DoesNotContain(again, f => f.Source == bad);
    }
}

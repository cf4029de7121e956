using GovChain.Client.Registries;
using GovChain.Client.Tests.Support;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Client.Tests;

public sealed class StreamTests
{
    private static readonly byte[] Hash = Enumerable.Repeat((byte)0x42, 32).ToArray();

    [Fact]
    public async Task StreamBlocks_FromHeightOne_GivesStoredBlocksThenNewOnesInOrder()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var signer = node.Signer(node.Registrar);
        var committed = new List<CertifiedBlock>();
        for (var i = 0; i < 2; i++)
        {
            await client.SubmitAsync(signer.SignNext(LandRegistry.RegisterParcel($"P-{i}", node.Alice.PublicKey, Hash, 1)));
            committed.Add(node.CommitPending());
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var stream = client.StreamBlocksAsync(1, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var received = new List<CertifiedBlock>();
        for (var i = 0; i < 2; i++)
        {
            Assert.True(await stream.MoveNextAsync());
            received.Add(stream.Current);
        }

        var next = stream.MoveNextAsync();
        await client.SubmitAsync(signer.SignNext(LandRegistry.RegisterParcel("P-9", node.Alice.PublicKey, Hash, 1)));
        committed.Add(node.CommitPending());
        Assert.True(await next);
        received.Add(stream.Current);

        Assert.Equal(committed, received);
        await cts.CancelAsync();
    }

    [Fact]
    public async Task StreamBlocks_HeadersOnly_LeavesOutBodiesAndReceipts()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var signer = node.Signer(node.Registrar);
        await client.SubmitAsync(signer.SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Hash, 1)));
        node.CommitPending();
        await client.SubmitAsync(signer.SignNext(LandRegistry.RegisterParcel("P-2", node.Alice.PublicKey, Hash, 1)));
        var second = node.CommitPending();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var stream = client.StreamBlocksAsync(2, headersOnly: true, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await stream.MoveNextAsync());

        Assert.Equal(second.Block.Header, stream.Current.Block.Header);
        Assert.Equal(second.Certificate, stream.Current.Certificate);
        Assert.Empty(stream.Current.Block.Transactions);
        Assert.Empty(stream.Current.Receipts);
        await cts.CancelAsync();
    }

    [Fact]
    public async Task StreamEvents_WithContractFilter_GivesOnlyThatContractsEventsWithTheirTx()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var parcel = node.Signer(node.Registrar).SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Hash, 1));
        await client.SubmitAsync(node.Signer(node.Bob).SignNext(IdentityRegistry.Register(Hash)));
        await client.SubmitAsync(parcel);
        node.CommitPending();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var land = client.StreamEventsAsync(1, "land", cts.Token).GetAsyncEnumerator(cts.Token);
        await using var all = client.StreamEventsAsync(1, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await land.MoveNextAsync());
        Assert.Equal("land", land.Current.Event.Contract);
        Assert.Equal("parcel_registered", land.Current.Event.Name);
        Assert.Equal(1ul, land.Current.Height);
        Assert.Equal(parcel.Id().ToArray(), land.Current.TxId.ToByteArray());

        var contracts = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            Assert.True(await all.MoveNextAsync());
            contracts.Add(all.Current.Event.Contract);
        }

        Assert.Equal(["identity", "land"], contracts.Order(StringComparer.Ordinal));
        await cts.CancelAsync();
    }

    [Fact]
    public async Task StreamBlocks_NodeRestarts_ResumesAfterTheLastBlockWithoutGapOrRepeat()
    {
        await using var node = await TestNode.StartAsync();
        var port = node.Server.Port;
        var signer = node.Signer(node.Registrar);
        node.Pool.Add(signer.SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Hash, 1)));
        node.CommitPending();

        IAsyncDisposable? restarted = null;
        var options = TestNode.FastOptions();
        options.OnRetry = async _ =>
        {
            if (restarted is null)
            {
                restarted = await node.StartAnotherServerAsync(port);
            }
        };

        try
        {
            using var client = node.Client(options);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using var stream = client.StreamBlocksAsync(1, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
            Assert.True(await stream.MoveNextAsync());
            Assert.Equal(1ul, stream.Current.Block.Header.Height);

            var next = stream.MoveNextAsync();
            await node.Server.StopAsync();
            node.Pool.Add(signer.SignNext(LandRegistry.RegisterParcel("P-2", node.Alice.PublicKey, Hash, 1)));
            node.CommitPending();
            Assert.True(await next);
            Assert.Equal(2ul, stream.Current.Block.Header.Height);

            node.Pool.Add(signer.SignNext(LandRegistry.RegisterParcel("P-3", node.Alice.PublicKey, Hash, 1)));
            node.CommitPending();
            Assert.True(await stream.MoveNextAsync());
            Assert.Equal(3ul, stream.Current.Block.Header.Height);
            Assert.NotNull(restarted);
            await cts.CancelAsync();
        }
        finally
        {
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }
}

using Google.Protobuf;
using GovChain.Core.Transactions;
using GovChain.Grpc.ClientApi;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;
using BytesValue = Google.Protobuf.WellKnownTypes.BytesValue;

namespace GovChain.Node.Tests.Api;

public sealed class ClientApiServiceTests
{
    // The same path as SubmitTransaction, with a request type whose field 1 can carry any bytes.
    private static readonly Method<BytesValue, SubmitTransactionResponse> RawSubmit =
        GrpcMethods.Create<BytesValue, SubmitTransactionResponse>(MethodType.Unary, ClientApiMethods.ServiceName, "SubmitTransaction");

    [Fact]
    public async Task Submit_MalformedProtobuf_IsInvalidArgumentAndTheServerKeepsServing()
    {
        var (host, channel) = await ApiTestHost.StartAsync();
        await using var _ = host;
        using var __ = channel;

        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() =>
                channel.UnaryAsync(RawSubmit, new BytesValue { Value = ByteString.CopyFrom(0xFF, 0xFF, (byte)i) }));
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        }

        var status = await channel.UnaryAsync(ClientApiMethods.GetStatus, new GetStatusRequest());
        Assert.Equal(ApiTestHost.ChainId, status.ChainId);
        Assert.Equal(0, host.Pool.Count);
    }

    [Fact]
    public async Task Submit_Admitted_IsGossipedOnceWithItsId()
    {
        var (host, channel) = await ApiTestHost.StartAsync();
        await using var _ = host;
        using var __ = channel;
        var tx = TransactionCodec.Create(ApiTestHost.ChainId, host.Validator, 1, "land", "register_parcel", null);

        var reply = await channel.UnaryAsync(ClientApiMethods.SubmitTransaction, new SubmitTransactionRequest { Transaction = tx });

        Assert.Equal(tx.Id().ToArray(), reply.TxId.ToByteArray());
        Assert.Equal([tx], host.Gossiped);
        Assert.Equal(1, host.Pool.Count);
    }

    [Fact]
    public async Task GetBlock_BadSelectors_AreInvalidArgumentAndMissingIsNotFound()
    {
        var (host, channel) = await ApiTestHost.StartAsync();
        await using var _ = host;
        using var __ = channel;

        var none = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(ClientApiMethods.GetBlock, new GetBlockRequest()));
        var shortHash = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(ClientApiMethods.GetBlock, new GetBlockRequest { Hash = ByteString.CopyFrom(1, 2) }));
        var missing = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(ClientApiMethods.GetBlock, new GetBlockRequest { Height = 5 }));

        Assert.Equal(StatusCode.InvalidArgument, none.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, shortHash.StatusCode);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task WaitForTransaction_NoDeadline_EndsAtTheServersMaxWait()
    {
        var (host, channel) = await ApiTestHost.StartAsync(new ClientApiOptions { MaxWait = TimeSpan.FromMilliseconds(200) });
        await using var _ = host;
        using var __ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(ClientApiMethods.WaitForTransaction, new GetTransactionRequest { TxId = ByteString.CopyFrom(new byte[32]) }));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Contains("not committed within", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamEvents_OverlongContractFilter_IsInvalidArgumentBeforeSubscribing()
    {
        var (host, channel) = await ApiTestHost.StartAsync();
        await using var _ = host;
        using var __ = channel;

        using var call = channel.ServerStreaming(ClientApiMethods.StreamEvents, new StreamEventsRequest { Contract = new string('c', 500) });
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(0, host.Feed.Subscriptions);
    }

    [Fact]
    public async Task StreamBlocks_BeyondTheStreamBound_IsResourceExhaustedAndTheSlotIsFreedOnCancel()
    {
        var (host, channel) = await ApiTestHost.StartAsync(new ClientApiOptions { MaxConcurrentStreams = 1 });
        await using var _ = host;
        using var __ = channel;
        using var cts = new CancellationTokenSource();
        var first = channel.ServerStreaming(ClientApiMethods.StreamBlocks, new StreamBlocksRequest(), new CallOptions(cancellationToken: cts.Token));
        var pending = first.ResponseStream.MoveNext(cts.Token);
        await WaitUntilAsync(() => host.Feed.Subscriptions == 1);

        using (var second = channel.ServerStreaming(ClientApiMethods.StreamBlocks, new StreamBlocksRequest()))
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await second.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => pending);
        first.Dispose();

        // Once the server has seen the cancel, the slot serves the next caller (the cancel travels asynchronously, hence the retries).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            using var third = channel.ServerStreaming(ClientApiMethods.StreamBlocks, new StreamBlocksRequest());
            var next = third.ResponseStream.MoveNext();
            using var stopWatching = new CancellationTokenSource();
            var subscribed = WaitUntilAsync(() => host.Feed.Subscriptions == 2, stopWatching.Token);
            var finished = await Task.WhenAny(next, subscribed);
            await stopWatching.CancelAsync();
            if (finished != next)
            {
                Assert.False(next.IsCompleted);
                break;
            }

            var refused = await Assert.ThrowsAsync<RpcException>(() => next);
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            try
            {
                await Task.Delay(10, timeout.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [Fact]
    public async Task Query_EmptyNames_AreInvalidArgument()
    {
        var (host, channel) = await ApiTestHost.StartAsync();
        await using var _ = host;
        using var __ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(ClientApiMethods.Query, new QueryRequest { Contract = "land" }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public void Options_NonPositiveLimits_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => new ClientApiOptions { MaxWait = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new ClientApiOptions { ValidatorSetCacheSize = 0 }.Validate());
    }
}

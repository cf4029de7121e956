using Google.Protobuf;
using GovChain.Client.Registries;
using GovChain.Client.Tests.Support;
using GovChain.Core.Transactions;
using GovChain.Node.Mempool;
using GovChain.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using ClientApi = GovChain.Protocol.Client.ClientClient;

namespace GovChain.Client.Tests;

public sealed class SubmitAndReadTests
{
    private static readonly byte[] Deed = Enumerable.Repeat((byte)0xD1, 32).ToArray();

    [Fact]
    public async Task SubmitAndWait_RegisterParcel_CommitsWithSuccessfulReceipt()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var tx = node.Signer(node.Registrar).SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 640, "North field"));

        var waiting = client.SubmitAndWaitAsync(tx, TimeSpan.FromSeconds(20));
        await WaitUntilAsync(() => node.Pool.Count == 1);
        node.CommitPending();
        var result = await waiting;

        Assert.Equal(0u, result.Receipt.Code);
        Assert.Equal(1ul, result.Height);
        Assert.Equal(0u, result.Index);
        Assert.Equal(tx, result.Transaction);
        Assert.Equal(node.Database.Blocks.GetBlockHash(1)!.Value.ToArray(), result.BlockHash.ToByteArray());
        lock (node.Gossiped)
        {
            Assert.Equal([tx], node.Gossiped);
        }

        var again = await client.GetTransactionAsync(tx.Id());
        Assert.Equal(result, again);
        var parcel = await client.QueryAsync(LandRegistry.GetParcel("P-1"));
        Assert.Equal(1ul, parcel.Height);
        Assert.Equal(node.Alice.PublicKey.ToArray(), parcel.Value.Owner.ToByteArray());
        Assert.Equal(640ul, parcel.Value.AreaM2);
    }

    [Fact]
    public async Task GetBlock_ByHeightAndHash_ReturnsCertifiedBlockWithReceipts()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var signer = node.Signer(node.Registrar);
        await client.SubmitAsync(signer.SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 1)));
        await client.SubmitAsync(signer.SignNext(LandRegistry.RegisterParcel("P-2", node.Bob.PublicKey, Deed, 2)));
        var committed = node.CommitPending();

        var byHeight = await client.GetBlockAsync(1);
        var byHash = await client.GetBlockAsync(node.Database.Blocks.GetBlockHash(1)!.Value);

        Assert.Equal(committed, byHeight);
        Assert.Equal(committed, byHash);
        Assert.Equal(2, byHeight!.Receipts.Count);
        Assert.Null(await client.GetBlockAsync(2));
        Assert.Null(await client.GetTransactionAsync(TransactionCodec.Id("unknown"u8)));
    }

    [Fact]
    public async Task Submit_BadInput_IsRefusedWithInvalidArgumentAndTheNodeKeepsServing()
    {
        await using var node = await TestNode.StartAsync(new MempoolOptions { MaxTxBytes = 2048 });
        using var client = node.Client();
        var good = node.Signer(node.Registrar).Sign(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 1), 1);

        var badSignature = good.Clone();
        badSignature.Signature = ByteString.CopyFrom(new byte[64]);
        var wrongChain = new TransactionSigner("another-chain", node.Registrar).SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 1));
        var malformed = new SignedTransaction { Body = ByteString.CopyFrom(0xFF, 0xFF, 0xFF), Signature = good.Signature };
        var tooLarge = node.Signer(node.Registrar).Sign(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 1), 1, memo: new string('x', 4096));

        foreach (var (tx, expected) in new[] { (badSignature, "signature"), (wrongChain, "chain"), (malformed, "TransactionBody"), (tooLarge, "limit") })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(tx));
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Assert.Contains(expected, ex.Status.Detail, StringComparison.OrdinalIgnoreCase);
        }

        using var channel = GrpcChannel.ForAddress(node.Server.Address);
        var empty = await Assert.ThrowsAsync<RpcException>(() =>
            new ClientApi(channel).SubmitTransactionAsync(new SubmitTransactionRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);

        Assert.Equal(0, node.Pool.Count);
        Assert.Empty(node.Gossiped);
        Assert.Equal(good.Id(), await client.SubmitAsync(good));
        Assert.Equal("land-registry", (await client.GetStatusAsync()).DepartmentId);
    }

    [Fact]
    public async Task Submit_NonceProblems_AreAlreadyExistsOrFailedPrecondition()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var signer = node.Signer(node.Registrar);
        var first = signer.Sign(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 1), 1);
        await client.SubmitAsync(first);

        var pendingAgain = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(first));
        Assert.Equal(StatusCode.AlreadyExists, pendingAgain.StatusCode);
        Assert.Equal(nameof(AdmissionCode.AlreadyKnown), pendingAgain.Trailers.GetValue("govchain-admission"));

        var sameNonce = signer.Sign(LandRegistry.RegisterParcel("P-2", node.Alice.PublicKey, Deed, 1), 1);
        var taken = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(sameNonce));
        Assert.Equal(StatusCode.FailedPrecondition, taken.StatusCode);
        Assert.Equal(nameof(AdmissionCode.NonceTaken), taken.Trailers.GetValue("govchain-admission"));

        node.CommitPending();
        var replayed = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(first));
        Assert.Equal(StatusCode.AlreadyExists, replayed.StatusCode);
        Assert.Contains("committed at height 1", replayed.Status.Detail, StringComparison.Ordinal);

        var used = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(sameNonce));
        Assert.Equal(StatusCode.FailedPrecondition, used.StatusCode);
        Assert.Equal(nameof(AdmissionCode.NonceTooLow), used.Trailers.GetValue("govchain-admission"));

        var farAhead = signer.Sign(LandRegistry.RegisterParcel("P-3", node.Alice.PublicKey, Deed, 1), 5_000);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(farAhead))).StatusCode);

        // The node's own answer for a replay is waited on, not thrown, by SubmitAndWait.
        var result = await client.SubmitAndWaitAsync(first, TimeSpan.FromSeconds(5));
        Assert.Equal(1ul, result.Height);
    }

    [Fact]
    public async Task Submit_BeyondMempoolBound_IsResourceExhaustedUntilACommitFreesRoom()
    {
        await using var node = await TestNode.StartAsync(new MempoolOptions { MaxTransactions = 3 });
        using var client = node.Client();
        var signer = node.Signer(node.Registrar);
        for (var i = 0; i < 3; i++)
        {
            await client.SubmitAsync(signer.SignNext(LandRegistry.RegisterParcel($"P-{i}", node.Alice.PublicKey, Deed, 1)));
        }

        var overflow = signer.SignNext(LandRegistry.RegisterParcel("P-9", node.Alice.PublicKey, Deed, 1));
        var full = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(overflow));
        Assert.Equal(StatusCode.ResourceExhausted, full.StatusCode);
        Assert.Contains("executable transactio", full.Status.Detail, StringComparison.Ordinal);

        node.CommitPending();
        Assert.Equal(overflow.Id(), await client.SubmitAsync(overflow));
    }

    [Fact]
    public async Task WaitForTransaction_NeverCommitted_EndsWithDeadlineExceeded()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var tx = node.Signer(node.Registrar).SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 1));
        await client.SubmitAsync(tx);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.WaitForTransactionAsync(tx.Id(), TimeSpan.FromMilliseconds(300)));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(1, node.Pool.Count);
    }

    [Fact]
    public async Task WaitForTransaction_BadId_IsInvalidArgument()
    {
        await using var node = await TestNode.StartAsync();
        using var channel = GrpcChannel.ForAddress(node.Server.Address);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new ClientApi(channel).WaitForTransactionAsync(new GetTransactionRequest { TxId = ByteString.CopyFrom(1, 2, 3) }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task Query_Failures_MapToStatusesWithTheContractsReason()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.QueryAsync(LandRegistry.GetParcel("NOPE")));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.QueryAsync("nosuch", "get", new GovChain.Protocol.Land.GetParcelArgs()));
        using var channel = GrpcChannel.ForAddress(node.Server.Address);
        var malformed = await Assert.ThrowsAsync<RpcException>(() =>
            new ClientApi(channel).QueryAsync(new QueryRequest { Contract = "land", Method = "get_parcel", Args = ByteString.CopyFrom(0xFF, 0xFF) }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal("8", missing.Trailers.GetValue("govchain-result-code"));
        Assert.Equal(StatusCode.Unimplemented, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        var departments = await client.QueryAsync(Governance.ListDepartments());
        Assert.Equal(4, departments.Value.Departments.Count);
    }

    [Fact]
    public async Task CreateSigner_AfterCommits_StartsAtTheNextNonce()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var fresh = await client.CreateSignerAsync(node.Registrar);
        Assert.Equal(1ul, fresh.NextNonce);
        Assert.Equal(TestNode.ChainId, fresh.ChainId);

        await client.SubmitAsync(fresh.SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 1)));
        await client.SubmitAsync(fresh.SignNext(LandRegistry.RegisterParcel("P-2", node.Alice.PublicKey, Deed, 1)));
        node.CommitPending();

        var resumed = await client.CreateSignerAsync(node.Registrar);
        Assert.Equal(3ul, resumed.NextNonce);
        var third = resumed.SignNext(LandRegistry.RegisterParcel("P-3", node.Alice.PublicKey, Deed, 1));
        Assert.Equal(third.Id(), await client.SubmitAsync(third));
        Assert.Equal(1, node.Pool.Count);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

using System.Net;
using System.Security.Cryptography;
using Google.Protobuf;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;
using BytesValue = Google.Protobuf.WellKnownTypes.BytesValue;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// One cluster of node processes for the client-abuse cases and the largest block, so the
/// processes start once: three departments at first, the fourth only when a test has it join late.
/// </summary>
public sealed class ClientAbuseCluster : IAsyncLifetime
{
    public const int LateNode = 3;

    /// <summary>The chain's block budget in bytes: small, so one block is filled to it with a few transactions.</summary>
    public const uint MaxBlockBytes = 512 * 1024;

    internal static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    internal ProcessCluster Cluster { get; } = new(new ProcessClusterOptions { MaxBlockBytes = MaxBlockBytes, SyncWrites = false });

    public Task InitializeAsync() => Task.WhenAll(Enumerable.Range(0, LateNode).Select(i => Cluster.StartAsync(i, StartLimit)));

    public Task DisposeAsync()
    {
        Cluster.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Issue #12 against real node processes over gRPC + TLS: every hostile request from one client
/// address gets a clear status and changes nothing, while a client on another address still
/// commits; and the largest block the rules allow, with its receipts, passes GetBlock and block
/// sync to a node that joins late.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class ClientAbuseProcessTests(ClientAbuseCluster fixture) : IClassFixture<ClientAbuseCluster>
{
    private static readonly IPAddress AbuserAddress = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress HonestAddress = IPAddress.Parse("127.0.0.2");
    private static readonly int[] Running = [0, 1, 2];

    private static readonly Method<BytesValue, SubmitTransactionResponse> RawSubmit =
        GrpcMethods.Create<BytesValue, SubmitTransactionResponse>(MethodType.Unary, ClientApiMethods.ServiceName, "SubmitTransaction");

    private ProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public Task HostileRequestsOfOneClient_EachGetAClearStatusAndChangeNothing_WhileAnotherClientCommits() => Guarded(async () =>
    {
        const string Chain = "govchain-processes";
        var abuser = Cluster.Channel(0, AbuserAddress).CreateCallInvoker();
        var honest = Cluster.Client(0, HonestAddress);
        using var stranger = KeyPair.Generate();
        var registrar = Cluster.Registrar;
        var registrarNonce = await honest.GetNextNonceAsync(registrar.PublicKeyBytes());

        async Task<RpcException> Refused(SignedTransaction tx) =>
            await Assert.ThrowsAsync<RpcException>(() => abuser.AsyncUnaryCall(ClientApiMethods.SubmitTransaction, null, default, new SubmitTransactionRequest { Transaction = tx }).ResponseAsync);

        // Malformed protobuf: field 1 (the transaction) is not a message.
        var malformed = await Assert.ThrowsAsync<RpcException>(() =>
            abuser.AsyncUnaryCall(RawSubmit, null, default, new BytesValue { Value = ByteString.CopyFrom(0xFF, 0xFF, 0x01) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);

        // Oversized: beyond the client API's receive cap, refused before it is decoded.
        var oversized = await Assert.ThrowsAsync<RpcException>(() =>
            abuser.AsyncUnaryCall(RawSubmit, null, default, new BytesValue { Value = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, oversized.StatusCode);

        // Wrong signature: the registrar's body signed by another key.
        var genuine = Register(registrar, registrarNonce, "ABUSE-SIG");
        var forged = new SignedTransaction { Body = genuine.Body, Signature = ByteString.CopyFrom(stranger.Sign(genuine.Body.Span)) };
        var badSignature = await Refused(forged);
        Assert.Equal(StatusCode.InvalidArgument, badSignature.StatusCode);
        Assert.Equal("BadSignature", badSignature.Trailers.GetValue("govchain-admission"));

        // Nonce-gap flood from fresh keys beyond their share: refused with a retry hint, before any signature check.
        var gapResults = new List<RpcException?>();
        for (var i = 0; i < 80; i++)
        {
            using var fresh = KeyPair.Generate();
            var gapped = LandCalls.RegisterParcel($"GAP-{i}", fresh.PublicKey, new byte[32], 1).Sign(Chain, fresh, 2);
            try
            {
                await abuser.AsyncUnaryCall(ClientApiMethods.SubmitTransaction, null, default, new SubmitTransactionRequest { Transaction = gapped }).ResponseAsync;
                gapResults.Add(null);
            }
            catch (RpcException ex)
            {
                gapResults.Add(ex);
            }
        }

        var beyondShare = gapResults.OfType<RpcException>().ToList();
        Assert.InRange(gapResults.Count(r => r is null), 1, 64);
        Assert.NotEmpty(beyondShare);
        Assert.All(beyondShare, ex =>
        {
            Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
            Assert.NotNull(ex.Trailers.GetValue("govchain-retry-after-ms"));
        });

        // Stream hoarding beyond the per-client limit (32 by default): the next one is refused, naming the limit.
        var hoarded = new List<AsyncServerStreamingCall<CertifiedBlock>>();
        var firsts = new List<Task<bool>>();
        using var hoarding = new CancellationTokenSource();
        RpcException? streamRefusal = null;
        try
        {
            for (var i = 0; i < 40 && streamRefusal is null; i++)
            {
                var call = abuser.AsyncServerStreamingCall(ClientApiMethods.StreamBlocks, null, new CallOptions(cancellationToken: hoarding.Token), new StreamBlocksRequest { FromHeight = ulong.MaxValue / 2 });
                hoarded.Add(call);
                var first = call.ResponseStream.MoveNext(hoarding.Token);
                firsts.Add(first);
                if (await Task.WhenAny(first, Task.Delay(300)) == first && first.Exception?.InnerException is RpcException ex)
                {
                    streamRefusal = ex;
                }
            }

            Assert.NotNull(streamRefusal);
            Assert.Equal(StatusCode.ResourceExhausted, streamRefusal.StatusCode);
            Assert.Equal("streams-per-client", streamRefusal.Trailers.GetValue("govchain-limit"));
            Assert.InRange(hoarded.Count, 33, 40);

            // While the abuser holds its streams and its gapped transactions wait, the honest client commits.
            var committed = await honest.SubmitAndWaitAsync(genuine, TimeSpan.FromSeconds(60));
            Assert.Equal(0u, committed.Receipt.Code);
        }
        finally
        {
            await hoarding.CancelAsync();
            foreach (var call in hoarded)
            {
                call.Dispose();
            }

            await Task.WhenAll(firsts.Select(f => f.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        // Replayed: the very transaction is known (ALREADY_EXISTS), another one at its nonce is a nonce error.
        var replay = await Refused(genuine);
        Assert.Equal(StatusCode.AlreadyExists, replay.StatusCode);
        var rival = await Refused(Register(registrar, registrarNonce, "ABUSE-RIVAL"));
        Assert.Equal(StatusCode.FailedPrecondition, rival.StatusCode);

        // Unknown contract: a query says so; a transaction to it commits with an error receipt and no effect.
        var unknown = await Assert.ThrowsAsync<RpcException>(() => honest.QueryAsync("no-such-contract", "get", new BytesValue()));
        Assert.Equal(StatusCode.Unimplemented, unknown.StatusCode);
        var toNowhere = TransactionCodec.Create(Chain, stranger, 1, "no-such-contract", "run", null);
        var nowhere = await honest.SubmitAndWaitAsync(toNowhere, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0u, nowhere.Receipt.Code);

        // Nothing refused is in the chain (the forged copy's body committed only with its genuine signature), the registrar's nonce moved by its one transaction, and the nodes agree.
        var stored = await honest.GetTransactionAsync(genuine.Id());
        Assert.Equal(genuine.Signature, stored!.Transaction.Signature);
        Assert.Equal(registrarNonce + 1, await honest.GetNextNonceAsync(registrar.PublicKeyBytes()));
        var top = await Cluster.HeightAsync(0);
        await Cluster.WaitForHeightAsync(Running, top, TimeSpan.FromSeconds(60));
        var hashes = await Cluster.BlockHashesAsync(Running, top);
        Assert.All(hashes, h => Assert.Equal(hashes[0], h));
    });

    [Fact]
    public Task LargestBlockTheRulesAllow_WithItsReceipts_PassesGetBlockAndBlockSyncToALateNode() => Guarded(async () =>
    {
        var client = Cluster.Client(1);
        var registrar = Cluster.Registrar;

        // One committed transaction first, so the registrar is no new sender (their waiting room is small).
        var next = await client.GetNextNonceAsync(registrar.PublicKeyBytes());
        await client.SubmitAndWaitAsync(Register(registrar, next, $"BIG-FIRST-{next}"), TimeSpan.FromSeconds(60));
        next++;

        // Nonces next+1.. wait for nonce next; when it arrives all become executable at once, far
        // more bytes than one block takes, so the proposer fills a block to its budget.
        const int Count = 16;
        var txs = Enumerable.Range(0, Count).Select(k => Register(registrar, next + (ulong)k, $"BIG-{next}-{k}", location: new string('x', 60_000))).ToList();
        foreach (var tx in txs.Skip(1))
        {
            await client.SubmitAsync(tx);
        }

        await client.SubmitAsync(txs[0]);
        var results = await Task.WhenAll(txs.Select(t => client.WaitForTransactionAsync(t.Id(), TimeSpan.FromSeconds(90))));

        var heights = results.Select(r => r.Height).Distinct().Order().ToList();
        Assert.True(heights.Count > 1, "the transactions must be more than one block holds");
        var full = (await client.GetBlockAsync(heights[0]))!;
        var size = full.Block.CalculateSize();
        Assert.True(size <= ClientAbuseCluster.MaxBlockBytes, $"block of {size} bytes is over the budget");
        Assert.True(size + txs[0].CalculateSize() > ClientAbuseCluster.MaxBlockBytes, $"block of {size} bytes had room for another transaction");
        Assert.Equal(full.Block.Transactions.Count, full.Receipts.Count);

        // A node that joins late syncs it from the others, byte for byte with its receipts.
        await Cluster.StartAsync(ClientAbuseCluster.LateNode, ClientAbuseCluster.StartLimit);
        await Cluster.WaitForHeightAsync([ClientAbuseCluster.LateNode], heights[^1], TimeSpan.FromSeconds(90));
        var synced = (await Cluster.Client(ClientAbuseCluster.LateNode).GetBlockAsync(heights[0]))!;
        Assert.Equal(full.Block.ToByteArray(), synced.Block.ToByteArray());
        Assert.Equal(full.Receipts.Select(r => r.ToByteString()), synced.Receipts.Select(r => r.ToByteString()));
    });

    private static SignedTransaction Register(KeyPair registrar, ulong nonce, string parcel, string location = "") =>
        LandCalls.RegisterParcel(parcel, registrar.PublicKey, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(parcel)), 100, location)
            .Sign("govchain-processes", registrar, nonce);

    private async Task Guarded(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex) when (ex is not ClusterFailureException)
        {
            throw Cluster.Failure($"{ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}

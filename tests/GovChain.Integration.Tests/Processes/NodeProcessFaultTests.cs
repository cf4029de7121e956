using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Integration.Tests.Processes;

/// <summary>Runs alone: four node processes per test already fill the two cores this suite is sized for.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NodeProcessCollection
{
    public const string Name = "node processes";
}

/// <summary>
/// Crash faults on real processes: validators killed with SIGKILL (no shutdown, nothing
/// flushed but what the node synced), restarted from what is left on disk or from nothing.
/// Every observation goes through the SDK over each node's TLS client API.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class NodeProcessFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(60);
    private static readonly int[] All = [0, 1, 2, 3];
    private readonly ProcessCluster _cluster = new();

    public Task InitializeAsync() => _cluster.StartAllAsync(StartLimit);

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public Task OneValidatorKilledMidWorkload_OthersKeepCommitting_AndItCatchesUpFromItsDataDirectory() => Guarded(async () =>
    {
        var client = _cluster.Client(0);
        var registrar = await client.CreateSignerAsync(_cluster.Registrar);
        using var owner = KeyPair.Generate();
        var acknowledged = new List<TransactionResult>();
        var threeAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var workload = Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                var result = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel($"LR-K{i:D3}", owner.PublicKey, new byte[32], 100 + (ulong)i));
                Assert.True(result.Receipt.Code == 0, result.Receipt.Message);
                lock (acknowledged)
                {
                    acknowledged.Add(result);
                    if (acknowledged.Count == 3)
                    {
                        threeAcknowledged.TrySetResult();
                    }
                }
            }
        });

        await Task.WhenAny(threeAcknowledged.Task, workload);
        Assert.True(threeAcknowledged.Task.IsCompleted, "the workload failed before the kill");
        _cluster.Nodes[3].Kill();
        var heightAtKill = await _cluster.HeightAsync(0);
        await workload;

        var top = acknowledged.Max(r => r.Height);
        Assert.True(top > heightAtKill, $"survivors committed nothing after the kill (height {heightAtKill}, last receipt at {top})");

        await _cluster.StartAsync(3, StartLimit);
        await _cluster.WaitForHeightAsync([3], top, CatchUpLimit);

        for (var h = 1UL; h <= top; h++)
        {
            var hashes = await _cluster.BlockHashesAsync([0, 3], h);
            Assert.NotNull(hashes[0]);
            Assert.Equal(hashes[0], hashes[1]);
        }

        foreach (var result in acknowledged)
        {
            var found = await _cluster.Client(3).GetTransactionAsync(result.Transaction.Id());
            Assert.NotNull(found);
            Assert.Equal(result.Height, found.Height);
        }

        // Back in the network, not only a reader of it: a transaction submitted through it commits.
        var through = await _cluster.Client(3).ExecuteAsync(registrar, LandRegistry.RegisterParcel("LR-K999", owner.PublicKey, new byte[32], 999));
        Assert.Equal(0u, through.Receipt.Code);
        Assert.Equal(through.Height, (await client.GetTransactionAsync(through.Transaction.Id()))?.Height);
    });

    [Fact]
    public Task TwoOfFourKilled_CommitsStopWithoutFork_AndResumeWithThePendingTransactionWhenTheyReturn() => Guarded(async () =>
    {
        var client = _cluster.Client(0);
        var registrar = await client.CreateSignerAsync(_cluster.Registrar);
        using var owner = KeyPair.Generate();
        var before = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel("LR-T000", owner.PublicKey, new byte[32], 100));
        Assert.Equal(0u, before.Receipt.Code);

        _cluster.Nodes[2].Kill();
        _cluster.Nodes[3].Kill();

        // A block whose precommits were already on the wire may still land, and a lagging survivor
        // may still sync it from the other: the baseline is taken once both survivors agree.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var settleDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var stalled = await Task.WhenAll(_cluster.HeightAsync(0), _cluster.HeightAsync(1));
        while (stalled[0] != stalled[1] && DateTime.UtcNow < settleDeadline)
        {
            await Task.Delay(200);
            stalled = await Task.WhenAll(_cluster.HeightAsync(0), _cluster.HeightAsync(1));
        }

        Assert.True(_cluster.Nodes[2].ExitCode is not null && _cluster.Nodes[3].ExitCode is not null, "the killed processes are still running");

        var pending = registrar.SignNext(LandRegistry.RegisterParcel("LR-T001", owner.PublicKey, new byte[32], 101));
        var pendingId = await client.SubmitAsync(pending);
        var wait = await Assert.ThrowsAsync<RpcException>(() => client.WaitForTransactionAsync(pendingId, TimeSpan.FromSeconds(4)));
        Assert.Equal(StatusCode.DeadlineExceeded, wait.StatusCode);

        var after = await Task.WhenAll(_cluster.HeightAsync(0), _cluster.HeightAsync(1));
        Assert.Equal(stalled, after);
        Assert.Null(await _cluster.Client(1).GetTransactionAsync(pendingId));

        var committed = Math.Min(after[0], after[1]);
        Assert.True(committed >= before.Height);
        for (var h = 1UL; h <= committed; h++)
        {
            var hashes = await _cluster.BlockHashesAsync([0, 1], h);
            Assert.NotNull(hashes[0]);
            Assert.Equal(hashes[0], hashes[1]);
        }

        await Task.WhenAll(_cluster.StartAsync(2, StartLimit), _cluster.StartAsync(3, StartLimit));
        var resumed = await client.WaitForTransactionAsync(pendingId, CatchUpLimit);
        Assert.Equal(0u, resumed.Receipt.Code);
        Assert.True(resumed.Height > committed);
        var next = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel("LR-T002", owner.PublicKey, new byte[32], 102));
        Assert.Equal(0u, next.Receipt.Code);

        await _cluster.WaitForHeightAsync(All, next.Height, CatchUpLimit);
        for (var h = 1UL; h <= next.Height; h++)
        {
            var hashes = await _cluster.BlockHashesAsync(All, h);
            Assert.NotNull(hashes[0]);
            Assert.All(hashes, x => Assert.Equal(hashes[0], x));
        }

        Assert.All(
            await Task.WhenAll(All.Select(n => _cluster.Client(n).GetTransactionAsync(pendingId))),
            found => Assert.Equal(resumed.Height, found?.Height));
    });

    [Fact]
    public Task ValidatorWithWipedDataDirectory_RejoinsByBlockSync_WithTheSameHashes() => Guarded(async () =>
    {
        var client = _cluster.Client(0);
        var registrar = await client.CreateSignerAsync(_cluster.Registrar);
        using var owner = KeyPair.Generate();
        var acknowledged = new List<TransactionResult>();
        async Task Register(string parcel)
        {
            var result = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel(parcel, owner.PublicKey, new byte[32], 100));
            Assert.True(result.Receipt.Code == 0, result.Receipt.Message);
            acknowledged.Add(result);
        }

        await Register("LR-W000");
        await Register("LR-W001");
        await _cluster.WaitForHeightAsync([2], acknowledged[^1].Height, CatchUpLimit);

        _cluster.Nodes[2].Kill();
        Directory.Delete(_cluster.DataDirectory(2), recursive: true);
        Assert.False(Directory.Exists(_cluster.DataDirectory(2)));
        var heightAtWipe = await _cluster.HeightAsync(0);
        await Register("LR-W002");
        await Register("LR-W003");
        Assert.True(acknowledged[^1].Height > heightAtWipe, "the others committed nothing while the wiped node was down");

        await _cluster.StartAsync(2, StartLimit);
        await Register("LR-W004");
        var top = acknowledged[^1].Height;
        await _cluster.WaitForHeightAsync([2], top, CatchUpLimit);

        for (var h = 1UL; h <= top; h++)
        {
            var hashes = await _cluster.BlockHashesAsync([0, 1, 2], h);
            Assert.NotNull(hashes[0]);
            Assert.All(hashes, x => Assert.Equal(hashes[0], x));
        }

        foreach (var result in acknowledged)
        {
            var found = await _cluster.Client(2).GetTransactionAsync(result.Transaction.Id());
            Assert.NotNull(found);
            Assert.Equal(result.Height, found.Height);
        }

        var through = await _cluster.Client(2).ExecuteAsync(registrar, LandRegistry.RegisterParcel("LR-W999", owner.PublicKey, new byte[32], 999));
        Assert.Equal(0u, through.Receipt.Code);
    });

    /// <summary>Runs a test body; any failure is rethrown with the tail of every node's log attached.</summary>
    private async Task Guarded(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex) when (ex is not ClusterFailureException)
        {
            throw _cluster.Failure($"{ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using GovChain.Client.Registries;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Node.Configuration;
using Xunit.Abstractions;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// A validator process killed (SIGKILL) while the other three commit more than a thousand
/// blocks, then restarted from its data directory: it must catch up by block sync alone and
/// take its seat in consensus again, with no operator action.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed partial class LongOutageTests : IAsyncLifetime
{
    private const ulong OutageBlocks = 1_000;
    private const int Down = 3;
    private const int StoppedLater = 2;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan OutageLimit = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CommitLimit = TimeSpan.FromSeconds(60);

    // Empty blocks as fast as consensus goes (no empty-block delay), and a short propose timeout:
    // the dead validator is the round-0 proposer of every fourth height, which the others pass
    // only by timing out. Timeouts still grow per round, so a loaded machine only slows it down.
    private readonly ITestOutputHelper _output;
    private readonly ProcessCluster _cluster = new(new ProcessClusterOptions
    {
        SyncWrites = false,
        Consensus = new ConsensusTimeoutOptions
        {
            ProposeMs = 100,
            PrevoteMs = 50,
            PrecommitMs = 50,
            DeltaMs = 100,
            RetransmitMs = 200,
            EmptyBlockDelayMs = 0,
            IdleBlockIntervalMs = 0,
            SyncPollMs = 200,
            FreshStartGraceMs = 1000,
        },
    });

    public LongOutageTests(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => _cluster.StartAllAsync(StartLimit);

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public Task ValidatorDownForAThousandBlocks_CatchesUpByBlockSync_AndSignsAgain() => Guarded(async () =>
    {
        var genesis = GenesisDocument.Load(Path.Combine(_cluster.Root, "genesis.json"));
        var downKey = ValidatorKey(genesis, Down);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _cluster.WaitForHeightAsync([0, 1, 2, 3], 2, StartLimit);
        _output.WriteLine($"all four at height 2 after {clock.Elapsed}");

        _cluster.Nodes[Down].Kill();
        Assert.NotNull(_cluster.Nodes[Down].ExitCode);
        var heightAtKill = (await Task.WhenAll(Enumerable.Range(0, 3).Select(_cluster.HeightAsync))).Max();

        var target = heightAtKill + OutageBlocks;
        await _cluster.WaitForHeightAsync([0, 1, 2], target, OutageLimit);
        _output.WriteLine($"{OutageBlocks} blocks without {ProcessCluster.Departments[Down]} (from {heightAtKill}) after {clock.Elapsed}");

        await _cluster.StartAsync(Down, StartLimit);
        var aheadAtRestart = await _cluster.HeightAsync(0);
        await _cluster.WaitForHeightAsync([Down], aheadAtRestart, CatchUpLimit);
        _output.WriteLine($"restarted and caught up to {aheadAtRestart} after {clock.Elapsed}");

        // The restarted node stood at most one height past heightAtKill, and consensus decides
        // only the height in hand (the others were a thousand ahead): the gap can have been
        // closed only by block sync, each batch's certificates verified before it was applied.
        // A sync run logs what it applied when it ends, which may be just after the height shows.
        var gap = aheadAtRestart - heightAtKill;
        var synced = await WaitForSyncedHeightsAsync(gap - 2, CatchUpLimit);
        _output.WriteLine($"block sync applied {synced} heights of a gap of {gap}");

        // With another validator stopped, the three left hold exactly a quorum: a block commits
        // only if the restarted validator signs it.
        _cluster.Nodes[StoppedLater].Kill();
        var client = _cluster.Client(0);
        var registrar = await client.CreateSignerAsync(_cluster.Registrar);
        using var owner = KeyPair.Generate();
        var result = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel("LR-O001", owner.PublicKey, new byte[32], 1), CommitLimit);
        Assert.Equal(0u, result.Receipt.Code);

        var top = result.Height;
        await _cluster.WaitForHeightAsync([0, 1, Down], top, CommitLimit);
        // The certificate as another node stored it: the restarted validator's precommit is in it.
        var certified = await _cluster.Client(0).GetBlockAsync(top);
        Assert.NotNull(certified);
        var check = CommitCertificates.Verify(certified.Certificate, genesis.Validators, genesis.SigningChainId, top, certified.Block.Header.Hash());
        Assert.True(check.IsValid, check.Reason);
        Assert.Contains(certified.Certificate.Signatures, s => new Hash32(s.Validator.Span) == downKey);

        await AssertSameChainAsync([0, 1, Down], top);
        _output.WriteLine($"{top} headers identical on three nodes after {clock.Elapsed}");
    });

    /// <summary>Every node holds the same header (hence the same state root) at every height up to <paramref name="top"/>.</summary>
    private async Task AssertSameChainAsync(int[] nodes, ulong top)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var chains = await Task.WhenAll(nodes.Select(async n =>
        {
            var headers = new List<(Hash32 Hash, Hash32 StateRoot)>();
            await foreach (var block in _cluster.Client(n).StreamBlocksAsync(1, headersOnly: true, stop.Token))
            {
                var header = block.Block.Header;
                Assert.Equal((ulong)headers.Count + 1, header.Height);
                headers.Add((header.Hash(), new Hash32(header.StateRoot.Span)));
                if (header.Height == top)
                {
                    break;
                }
            }

            return headers;
        }));

        for (var k = 1; k < chains.Length; k++)
        {
            Assert.Equal((int)top, chains[k].Count);
            for (var i = 0; i < chains[0].Count; i++)
            {
                Assert.True(chains[0][i] == chains[k][i], $"{ProcessCluster.Departments[nodes[k]]} differs from {ProcessCluster.Departments[nodes[0]]} at height {i + 1}");
            }
        }
    }

    private static Hash32 ValidatorKey(GenesisDocument genesis, int node) =>
        new(genesis.FindDepartment(ProcessCluster.Departments[node])!.ValidatorKey.Span);

    /// <summary>Waits (bounded) until the restarted node's log shows at least <paramref name="heights"/> heights applied by block sync.</summary>
    private async Task<ulong> WaitForSyncedHeightsAsync(ulong heights, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var synced = SyncedHeights(_cluster.Nodes[Down].Tail(int.MaxValue));
            if (synced >= heights)
            {
                return synced;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw _cluster.Failure($"block sync applied {synced} heights within {limit}; at least {heights} were missing");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>How many heights the node's last incarnation applied by block sync, from its log.</summary>
    private static ulong SyncedHeights(string log)
    {
        var lastStart = log.LastIndexOf("==== start #", StringComparison.Ordinal);
        ulong total = 0;
        foreach (Match m in SyncedLine().Matches(lastStart < 0 ? log : log[lastStart..]))
        {
            total += ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) - ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }

    [GeneratedRegex(@"Block sync applied heights (\d+) to (\d+)")]
    private static partial Regex SyncedLine();

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

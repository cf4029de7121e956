using System.Security.Cryptography;
using Google.Protobuf;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using Grpc.Core;
using Xunit.Abstractions;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// One run of a Byzantine attack against three honest node processes: start the four, keep a
/// registry workload going through the honest nodes (one transaction at a time, each node in
/// turn), wait until the attack has struck, then until the honest nodes have committed
/// <see cref="HeightsUnderAttack"/> more heights, and check what they hold.
/// </summary>
internal sealed class ByzantineAttackRun : IDisposable
{
    public const ulong HeightsUnderAttack = 10;
    private const int Byzantine = 3;
    private static readonly int[] Honest = [0, 1, 2];
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StrikeLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AttackLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(5);

    private readonly string _mode;
    private readonly ITestOutputHelper _output;
    private readonly ProcessCluster _cluster;
    private readonly List<(Hash32 Id, int Node)> _acknowledged = [];
    private readonly Lock _acknowledgedLock = new();

    private ByzantineAttackRun(string mode, ITestOutputHelper output)
    {
        _mode = mode;
        _output = output;
        _cluster = new ProcessCluster(new ProcessClusterOptions
        {
            Programs = new Dictionary<int, string>
            {
                [Byzantine] = ProcessCluster.LocateBuildOutput(Path.Combine("tests", "GovChain.ByzantineNode"), "GovChain.ByzantineNode.dll"),
            },
            Arguments = new Dictionary<int, IReadOnlyList<string>> { [Byzantine] = ["--mode", mode] },
        });
    }

    private string StrikeMarker => $"Byzantine attack {_mode} struck";

    public static async Task RunAsync(string mode, ITestOutputHelper output)
    {
        using var run = new ByzantineAttackRun(mode, output);
        try
        {
            await run.RunAsync();
        }
        catch (Exception ex) when (ex is not ClusterFailureException)
        {
            throw run._cluster.Failure($"{mode}: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    public void Dispose() => _cluster.Dispose();

    private async Task RunAsync()
    {
        // The attacker first: what it says is the first thing each honest node hears, while the
        // honest nodes' fresh-start check still listens (a height claim made then once kept a new
        // chain at genesis); started together, which comes first is up to the machine's load.
        await _cluster.StartAsync(Byzantine, StartLimit);
        foreach (var i in Honest)
        {
            _cluster.Nodes[i].Start();
        }

        await Task.WhenAll(Honest.Select(i => _cluster.WaitUntilServingAsync(i, StartLimit)));
        var genesis = GenesisDocument.Load(Path.Combine(_cluster.Root, "genesis.json"));
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(() => LoadAsync(stopLoad.Token));
        ulong target;
        try
        {
            await WaitForStrikeAsync();
            var from = (await Task.WhenAll(Honest.Select(_cluster.HeightAsync))).Max();
            target = from + HeightsUnderAttack;
            _output.WriteLine($"{_mode}: first struck with the honest nodes at height {from}; waiting for {target}");
            await WaitForHonestHeightAsync(target, AttackLimit);
        }
        finally
        {
            await stopLoad.CancelAsync();
            await load;
        }

        // Every acknowledged transaction is committed on every honest node, at one height.
        List<(Hash32 Id, int Node)> acknowledged;
        lock (_acknowledgedLock)
        {
            acknowledged = [.. _acknowledged];
        }

        var top = target;
        foreach (var (id, node) in acknowledged)
        {
            var heights = new ulong[Honest.Length];
            for (var k = 0; k < Honest.Length; k++)
            {
                try
                {
                    heights[k] = (await _cluster.Client(Honest[k]).WaitForTransactionAsync(id, SettleLimit)).Height;
                }
                catch (RpcException ex)
                {
                    throw _cluster.Failure(
                        $"{_mode}: transaction {id.ToShortString()}, acknowledged by {ProcessCluster.Departments[node]}, "
                        + $"is not committed on {ProcessCluster.Departments[Honest[k]]}: {ex.StatusCode}");
                }
            }

            Assert.True(heights.All(h => h == heights[0]), $"transaction {id.ToShortString()} is committed at heights {string.Join(", ", heights)}");
            top = Math.Max(top, heights[0]);
        }

        await WaitForHonestHeightAsync(top, SettleLimit);
        var chains = await Task.WhenAll(Honest.Select(n => ReadChainAsync(n, top)));
        for (var h = 0; h < (int)top; h++)
        {
            var digest = Digest(chains[0][h]);
            for (var k = 1; k < chains.Length; k++)
            {
                Assert.True(
                    digest.SequenceEqual(Digest(chains[k][h])),
                    $"{ProcessCluster.Departments[Honest[k]]} and {ProcessCluster.Departments[Honest[0]]} hold different blocks at height {h + 1} "
                    + $"(header hashes {chains[k][h].Header.Hash().ToShortString()} and {chains[0][h].Header.Hash().ToShortString()})");
            }

            // What the chain holds must verify offline: a client's signature over every transaction.
            foreach (var tx in chains[0][h].Transactions)
            {
                Assert.True(
                    TransactionVerifier.TryVerify(tx, genesis.ChainId, int.MaxValue, out _, out _, out var reason),
                    $"block {h + 1} holds transaction {tx.Id().ToShortString()} that does not verify: {reason}");
            }
        }

        var strikes = StrikeCount();
        var transactions = chains[0].Sum(b => b.Transactions.Count);
        _output.WriteLine(
            $"{_mode}: {strikes} strikes; honest nodes agree on blocks 1..{top} ({transactions} transactions); "
            + $"{acknowledged.Count} acknowledged transactions committed on all three");
        foreach (var line in AttackLines().TakeLast(3))
        {
            _output.WriteLine(line);
        }

        if (_cluster.Nodes[Byzantine].ExitCode is { } code)
        {
            _output.WriteLine($"{_mode}: the Byzantine node exited with code {code}");
        }
    }

    /// <summary>Registry work through the honest nodes in turn, one transaction in flight, until cancelled.</summary>
    private async Task LoadAsync(CancellationToken stop)
    {
        using var owner = KeyPair.Generate();
        TransactionSigner? registrar = null;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var node = Honest[i % Honest.Length];
            var client = _cluster.Client(node);
            try
            {
                registrar ??= await client.CreateSignerAsync(_cluster.Registrar, cancellationToken: stop);
                var tx = registrar.SignNext(LandRegistry.RegisterParcel($"LR-A{i:D4}", owner.PublicKey, new byte[32], 100 + (ulong)i));
                var id = await client.SubmitAsync(tx, CallLimit, stop);
                lock (_acknowledgedLock)
                {
                    _acknowledged.Add((id, node));
                }

                await client.WaitForTransactionAsync(id, SettleLimit, stop);
            }
            catch (RpcException) when (!stop.IsCancellationRequested)
            {
                // Refused, or not committed in time: the checks after the run say which. Re-read the nonce.
                registrar = null;
                await Task.Delay(200, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task WaitForStrikeAsync()
    {
        var deadline = DateTime.UtcNow + StrikeLimit;
        while (StrikeCount() == 0)
        {
            FailIfAnHonestNodeExited("before the attack struck");
            if (DateTime.UtcNow > deadline)
            {
                throw _cluster.Failure($"{_mode}: the Byzantine node did not strike within {StrikeLimit}");
            }

            await Task.Delay(200);
        }
    }

    private async Task WaitForHonestHeightAsync(ulong height, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            FailIfAnHonestNodeExited($"before height {height}");
            var heights = await Task.WhenAll(Honest.Select(HeightOrZeroAsync));
            if (heights.All(h => h >= height))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var shown = string.Join(", ", Honest.Select((n, k) => $"{ProcessCluster.Departments[n]}={heights[k]}"));
                throw _cluster.Failure($"{_mode}: the honest nodes did not reach height {height} within {limit} ({StrikeCount()} strikes): {shown}");
            }

            await Task.Delay(200);
        }
    }

    private async Task<ulong> HeightOrZeroAsync(int node)
    {
        try
        {
            return (await _cluster.Client(node).GetStatusAsync(CallLimit)).Height;
        }
        catch (RpcException)
        {
            return 0;
        }
    }

    private void FailIfAnHonestNodeExited(string when)
    {
        foreach (var n in Honest)
        {
            if (_cluster.Nodes[n].ExitCode is { } code)
            {
                throw _cluster.Failure($"{_mode}: honest {ProcessCluster.Departments[n]} exited with code {code} {when}");
            }
        }
    }

    /// <summary>Node <paramref name="node"/>'s blocks 1..<paramref name="top"/>, in order.</summary>
    private async Task<List<Block>> ReadChainAsync(int node, ulong top)
    {
        var blocks = new List<Block>();
        for (ulong h = 1; h <= top; h++)
        {
            var block = await _cluster.Client(node).GetBlockAsync(h, CallLimit)
                ?? throw _cluster.Failure($"{_mode}: {ProcessCluster.Departments[node]} has no block at height {h}");
            blocks.Add(block.Block);
        }

        return blocks;
    }

    /// <summary>The whole block, body included: a header hash alone would not show two nodes holding different bodies under one header.</summary>
    private static byte[] Digest(Block block) => SHA256.HashData(block.ToByteArray());

    private int StrikeCount() => AttackLines().Count(l => l.Contains(StrikeMarker, StringComparison.Ordinal));

    /// <summary>What the Byzantine node has logged of its attack so far.</summary>
    private List<string> AttackLines()
    {
        var lines = new List<string>();
        try
        {
            using var stream = new FileStream(_cluster.Nodes[Byzantine].LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains("Byzantine attack", StringComparison.Ordinal))
                {
                    lines.Add(line);
                }
            }
        }
        catch (FileNotFoundException)
        {
            // Not started yet.
        }

        return lines;
    }
}

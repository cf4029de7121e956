using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using GovChain.Contracts;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network.InMemory;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Support;

/// <summary>
/// Several validators in one process on an in-memory peer hub, each with its own database
/// (RocksDB in a temporary directory, or memory). Everything it starts is stopped and deleted
/// on dispose; every wait is bounded.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const string ChainId = "govchain-node-test";

    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(90);

    private readonly List<KeyPair> _owned = [];
    private readonly bool _inMemory;
    private readonly Action<NodeOptions>? _configure;

    public TestCluster(int validators = 4, bool inMemory = false, Action<NodeOptions>? configure = null)
    {
        _inMemory = inMemory;
        _configure = configure;
        Root = Path.Combine(Path.GetTempPath(), "govchain-node-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        var genesis = new Genesis
        {
            ChainId = ChainId,
            GenesisTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000,
            Consensus = new ConsensusParams { MaxBlockTxs = 500 },
        };
        for (var i = 0; i < validators; i++)
        {
            var key = Key(100 + i);
            var admin = Key(200 + i);
            ValidatorKeys.Add(key);
            Admins.Add(admin);
            genesis.Departments.Add(new Department
            {
                Id = DepartmentId(i),
                Name = $"Department {i}",
                ValidatorKey = ByteString.CopyFrom(key.PublicKey),
                VotingPower = 10,
            });
            genesis.Roles.Add(Grant(Roles.DepartmentAdmin, admin, DepartmentId(i)));
        }

        Registrar = Key(1);
        Issuer = Key(3);
        genesis.Roles.Add(Grant(Roles.LandRegistrar, Registrar, DepartmentId(0)));
        genesis.Roles.Add(Grant(Roles.IdentityIssuer, Issuer, DepartmentId(0)));
        Genesis = GenesisDocument.FromProto(genesis);
        GenesisFile = Path.Combine(Root, "genesis.json");
        File.WriteAllText(GenesisFile, Genesis.ToJson());
        Nodes = new GovChainNode?[validators];
    }

    public string Root { get; }

    public GenesisDocument Genesis { get; }

    public string GenesisFile { get; }

    public InMemoryPeerHub Hub { get; } = new();

    public List<KeyPair> ValidatorKeys { get; } = [];

    public List<KeyPair> Admins { get; } = [];

    public KeyPair Registrar { get; }

    public KeyPair Issuer { get; }

    public GovChainNode?[] Nodes { get; }

    public IEnumerable<GovChainNode> Running => Nodes.Where(n => n is not null)!;

    public static string DepartmentId(int i) => $"dept-{i}";

    public string DataDirectory(int i) => Path.Combine(Root, DepartmentId(i));

    public Hash32 ValidatorKey(int i) => new(ValidatorKeys[i].PublicKey);

    /// <summary>A deterministic key owned by the cluster.</summary>
    public KeyPair Key(int seed)
    {
        var bytes = new byte[32];
        bytes[0] = (byte)(seed & 0xFF);
        bytes[1] = (byte)(seed >> 8);
        bytes[31] = 0x77;
        var key = KeyPair.FromSeed(bytes);
        _owned.Add(key);
        return key;
    }

    public NodeOptions Options(int i)
    {
        var options = new NodeOptions
        {
            DataDirectory = DataDirectory(i),
            DepartmentId = DepartmentId(i),
            GenesisFile = GenesisFile,
            ListenAddress = "127.0.0.1:0",
            Consensus = new ConsensusTimeoutOptions
            {
                ProposeMs = 1000,
                PrevoteMs = 300,
                PrecommitMs = 300,
                DeltaMs = 100,
                RetransmitMs = 200,
                EmptyBlockDelayMs = 10,
                IdleBlockIntervalMs = 0,
                SyncPollMs = 200,
                FreshStartGraceMs = 2000,
            },
            Storage = new StorageSettings { InMemory = _inMemory, SyncWrites = false },
        };
        _configure?.Invoke(options);
        return options;
    }

    /// <summary>Creates node <paramref name="i"/> on the hub (no server: no sockets needed in-process).</summary>
    public GovChainNode Create(int i)
    {
        if (Nodes[i] is not null)
        {
            throw new InvalidOperationException($"Node {i} is running.");
        }

        var node = GovChainNode.Create(Options(i), new GovChainNodeSettings
        {
            PeerNetworkFactory = ctx => Hub.Join(ctx.Identity.Department.Id, ValidatorKey(i)),
            ValidatorKey = ValidatorKeys[i],
            LoggerFactory = TestLogging.Factory,
        });
        Nodes[i] = node;
        return node;
    }

    public async Task StartAsync(params int[] indices)
    {
        var nodes = indices.Select(Create).ToList();
        await Task.WhenAll(nodes.Select(n => n.StartAsync())).ConfigureAwait(false);
    }

    public Task StartAllAsync() => StartAsync(Enumerable.Range(0, Nodes.Length).ToArray());

    public async Task StopAsync(int i)
    {
        var node = Nodes[i] ?? throw new InvalidOperationException($"Node {i} is not running.");
        Nodes[i] = null;
        await node.DisposeAsync().ConfigureAwait(false);
    }

    public ulong Height(int i) => Nodes[i]!.Database.Blocks.LastHeight;

    public ulong MinHeight => Running.Min(n => n.Database.Blocks.LastHeight);

    public ulong MaxHeight => Running.Max(n => n.Database.Blocks.LastHeight);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; fails the test naming what it waited for.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? max = null) => WaitUntilAsync(condition, () => what, max);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; the description is built when giving up, so it shows the final state.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> what, TimeSpan? max = null)
    {
        using var limit = new CancellationTokenSource(max ?? MaxWait);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Gave up waiting for: {what()}");
            }
        }
    }

    public Task WaitForHeightAsync(ulong height, params int[] nodes) =>
        WaitUntilAsync(
            () => nodes.All(i => Nodes[i] is { } n && n.Database.Blocks.LastHeight >= height),
            () => $"nodes {string.Join(",", nodes)} at height {height} (now {string.Join(",", nodes.Select(i => Nodes[i]?.Database.Blocks.LastHeight))})");

    /// <summary>Asserts that every pair of running nodes holds the same block hash and state root at every height both have.</summary>
    public void AssertSameChain()
    {
        var nodes = Running.ToList();
        var common = nodes.Min(n => n.Database.Blocks.LastHeight);
        Assert.True(common > 0, "no block committed");
        for (ulong h = 1; h <= common; h++)
        {
            var hash = nodes[0].Database.Blocks.GetBlockHash(h);
            var root = nodes[0].Database.State.GetRoot(h);
            foreach (var other in nodes.Skip(1))
            {
                Assert.Equal(hash, other.Database.Blocks.GetBlockHash(h));
                Assert.Equal(root, other.Database.State.GetRoot(h));
            }
        }
    }

    public static byte[] Sha(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    public SignedTransaction Sign(KeyPair signer, ContractCall call, ulong nonce) => call.Sign(ChainId, signer, nonce);

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Nodes.Length; i++)
        {
            if (Nodes[i] is not null)
            {
                await StopAsync(i).ConfigureAwait(false);
            }
        }

        foreach (var key in _owned)
        {
            key.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary directory.
        }
    }

    private static RoleGrant Grant(string role, KeyPair holder, string department) =>
        new() { Role = role, Holder = ByteString.CopyFrom(holder.PublicKey), DepartmentId = department };
}

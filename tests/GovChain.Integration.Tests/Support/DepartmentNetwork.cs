using System.Security.Cryptography.X509Certificates;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Grpc.Hosting;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Setup;
using Grpc.Core;

namespace GovChain.Integration.Tests.Support;

/// <summary>
/// Four department nodes in this process, each with its own RocksDB directory, talking real
/// gRPC on loopback: peers over mutual TLS pinned to the genesis certificates, clients over TLS.
/// Everything started is stopped and deleted on dispose.
/// </summary>
internal sealed class DepartmentNetwork : IAsyncDisposable
{
    /// <summary>The validator keys are handed to the nodes directly; their files are written at the lowest Argon2id cost.</summary>
    private static readonly KeyFile.KdfCost CheapKdf = new(1, 1UL << 20);

    public static readonly string[] Departments = [.. NetworkBlueprint.DefaultDepartments];

    private readonly List<IDisposable> _owned = [];
    private readonly GeneratedNetwork _network;
    private readonly NetworkFolder _folder;

    public DepartmentNetwork()
    {
        Root = Directory.CreateTempSubdirectory("govchain-integration-").FullName;
        var roles = Departments.Select(d => new RoleHolderSpec($"admin-{d}", "department.admin", d)).ToList();
        roles.Add(new RoleHolderSpec("registrar", "land.registrar", Departments[0]));
        _network = Own(new NetworkBlueprint
        {
            ChainId = "govchain-integration",
            Departments = Departments,
            RoleHolders = roles,
            GenesisTime = DateTimeOffset.UtcNow.AddMinutes(-1),
            CertificateValidity = TimeSpan.FromDays(1),
            KeyCost = CheapKdf,
            Consensus = new ConsensusTimeoutOptions
            {
                ProposeMs = 1000,
                PrevoteMs = 300,
                PrecommitMs = 300,
                DeltaMs = 100,
                RetransmitMs = 200,
                EmptyBlockDelayMs = 50,
                IdleBlockIntervalMs = 0,
                SyncPollMs = 200,
                FreshStartGraceMs = 1000,
            },
            Storage = new StorageSettings { SyncWrites = true },
        }.Generate());
        _folder = _network.WriteTo(Root);
        Registrar = _network.RoleHolder("registrar").Key;
        ValidatorKeys.AddRange(_network.Departments.Select(d => d.ValidatorKey));
        Certificates.AddRange(_network.Departments.Select(d => d.Certificate));
        Genesis = _network.Genesis;
        Nodes = new GovChainNode?[Departments.Length];
    }

    public string Root { get; }

    public GenesisDocument Genesis { get; }

    public KeyPair Registrar { get; }

    /// <summary>The department.admin key of department <paramref name="i"/>, for governance.</summary>
    public KeyPair Admin(int i) => _network.RoleHolder($"admin-{Departments[i]}").Key;

    public List<KeyPair> ValidatorKeys { get; } = [];

    public List<X509Certificate2> Certificates { get; } = [];

    public GovChainNode?[] Nodes { get; }

    public IEnumerable<GovChainNode> Running => Nodes.Where(n => n is not null)!;

    public int PeerPort(int i) => _network.Departments[i].PeerPort;

    /// <summary>Starts every department's node at once.</summary>
    public Task StartAllAsync() => Task.WhenAll(Enumerable.Range(0, Departments.Length).Select(StartAsync));

    public async Task StartAsync(int i)
    {
        var settings = new GovChainNodeSettings { PeerNetworkFactory = StandardNode.CreatePeerNetwork, ValidatorKey = ValidatorKeys[i] };
        StandardNode.AddServices(settings);
        var node = GovChainNode.Create(Options(i), settings);
        Nodes[i] = node;
        await node.StartAsync().ConfigureAwait(false);
    }

    public async Task StopAsync(int i)
    {
        if (Nodes[i] is { } node)
        {
            Nodes[i] = null;
            await node.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>An SDK client of node <paramref name="i"/>'s client API, trusting that node's certificate only.</summary>
    public GovChainClient Client(int i)
    {
        var client = new GovChainClient(_network.Departments[i].ClientUri, new GovChainClientOptions
        {
            Channel = new GovChainChannelOptions { TrustedServerCertificates = [Certificates[i]] },
            DefaultTimeout = TimeSpan.FromSeconds(20),
            DefaultWaitTimeout = TimeSpan.FromSeconds(60),
        });
        _owned.Add(client);
        return client;
    }

    /// <summary>Waits (bounded) until every running node has committed <paramref name="height"/>.</summary>
    public async Task WaitForHeightAsync(ulong height, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (Running.Any(n => n.Database.Blocks.LastHeight < height))
        {
            if (DateTime.UtcNow > deadline)
            {
                var heights = string.Join(", ", Running.Select(n => $"{n.DepartmentId}={n.Database.Blocks.LastHeight}"));
                throw new TimeoutException($"Nodes did not reach height {height} within {limit}: {heights}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Nodes.Length; i++)
        {
            await StopAsync(i).ConfigureAwait(false);
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Directory.Delete(Root, recursive: true);
    }

    /// <summary>The node's configuration as its node.json reads, so an in-process node runs as a node process would.</summary>
    private NodeOptions Options(int i) => _folder.LoadNodeOptions(Departments[i]);

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}

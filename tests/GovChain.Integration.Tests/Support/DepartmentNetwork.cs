using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Security;
using GovChain.Protocol;
using GovChain.Rpc;

namespace GovChain.Integration.Tests.Support;

/// <summary>
/// Four department nodes in this process, each with its own RocksDB directory, talking real
/// gRPC on loopback: peers over mutual TLS pinned to the genesis certificates, clients over TLS.
/// Everything started is stopped and deleted on dispose.
/// </summary>
internal sealed class DepartmentNetwork : IAsyncDisposable
{
    public static readonly string[] Departments = ["land-registry", "finance", "education", "justice"];

    private readonly List<IDisposable> _owned = [];
    private readonly int[] _clientPorts;
    private readonly int[] _peerPorts;

    public DepartmentNetwork()
    {
        Root = Directory.CreateTempSubdirectory("govchain-integration-").FullName;
        var ports = FreePorts.Take(Departments.Length * 2);
        _clientPorts = ports[..Departments.Length];
        _peerPorts = ports[Departments.Length..];
        Registrar = Own(KeyPair.Generate());

        var genesis = new Genesis
        {
            ChainId = "govchain-integration",
            GenesisTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000,
            Consensus = new ConsensusParams { MaxBlockTxs = 1000 },
        };
        for (var i = 0; i < Departments.Length; i++)
        {
            var key = Own(KeyPair.Generate());
            var certificate = Own(DepartmentCertificates.Create(Departments[i], ["127.0.0.1", "localhost"], TimeSpan.FromDays(1)));
            DepartmentCertificates.WritePem(certificate, CertificateFile(i), KeyFile(i));
            ValidatorKeys.Add(key);
            Certificates.Add(certificate);
            genesis.Departments.Add(new Department
            {
                Id = Departments[i],
                Name = Departments[i],
                ValidatorKey = ByteString.CopyFrom(key.PublicKey),
                VotingPower = 10,
                Endpoint = $"127.0.0.1:{_peerPorts[i]}",
                TlsCertificate = ByteString.CopyFrom(certificate.RawData),
            });
            var admin = Own(KeyPair.Generate());
            genesis.Roles.Add(new RoleGrant { Role = "department.admin", Holder = ByteString.CopyFrom(admin.PublicKey), DepartmentId = Departments[i] });
        }

        genesis.Roles.Add(new RoleGrant { Role = "land.registrar", Holder = ByteString.CopyFrom(Registrar.PublicKey), DepartmentId = Departments[0] });
        Genesis = GenesisDocument.FromProto(genesis);
        File.WriteAllText(GenesisFile, Genesis.ToJson());
        Nodes = new GovChainNode?[Departments.Length];
    }

    public string Root { get; }

    public GenesisDocument Genesis { get; }

    public KeyPair Registrar { get; }

    public List<KeyPair> ValidatorKeys { get; } = [];

    public List<X509Certificate2> Certificates { get; } = [];

    public GovChainNode?[] Nodes { get; }

    public IEnumerable<GovChainNode> Running => Nodes.Where(n => n is not null)!;

    private string GenesisFile => Path.Combine(Root, "genesis.json");

    public int PeerPort(int i) => _peerPorts[i];

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
        var client = new GovChainClient(new Uri($"https://127.0.0.1:{_clientPorts[i]}"), new GovChainClientOptions
        {
            Channel = new RpcChannelOptions { TrustedServerCertificates = [Certificates[i]] },
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

    private NodeOptions Options(int i) => new()
    {
        DataDirectory = Path.Combine(Root, Departments[i], "data"),
        DepartmentId = Departments[i],
        GenesisFile = GenesisFile,
        ListenAddress = $"127.0.0.1:{_clientPorts[i]}",
        PeerListenAddress = $"127.0.0.1:{_peerPorts[i]}",
        Tls = new TlsOptions { CertificateFile = CertificateFile(i), KeyFile = KeyFile(i) },
        Consensus = new ConsensusTimeoutOptions
        {
            ProposeMs = 1000,
            PrevoteMs = 300,
            PrecommitMs = 300,
            DeltaMs = 100,
            RetransmitMs = 200,
            EmptyBlockDelayMs = 50,
            SyncPollMs = 200,
            FreshStartGraceMs = 1000,
        },
        Storage = new StorageSettings { SyncWrites = true },
    };

    private string CertificateFile(int i) => Path.Combine(Root, $"{Departments[i]}.crt");

    private string KeyFile(int i) => Path.Combine(Root, $"{Departments[i]}.tls.key");

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}

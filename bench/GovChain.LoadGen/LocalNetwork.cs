using System.Net;
using System.Net.Sockets;
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

namespace GovChain.LoadGen;

/// <summary>
/// Four department validators in this process, each on its own RocksDB directory under a temp
/// folder, over real gRPC on loopback: peers on mutual TLS pinned to genesis, clients on TLS.
/// Disposing stops every node and deletes the folder.
/// </summary>
internal sealed class LocalNetwork : IAsyncDisposable
{
    public static readonly string[] Departments = ["land-registry", "finance", "education", "justice"];

    private readonly List<IDisposable> _owned = [];
    private readonly int[] _clientPorts;
    private readonly int[] _peerPorts;
    private readonly List<KeyPair> _validatorKeys = [];
    private readonly List<X509Certificate2> _certificates = [];
    private readonly bool _syncWrites;
    private readonly int _proposeMs;

    public LocalNetwork(int registrarCount, int maxBlockTxs, bool syncWrites, int proposeMs)
    {
        _syncWrites = syncWrites;
        _proposeMs = proposeMs;
        Root = Directory.CreateTempSubdirectory("govchain-loadgen-").FullName;
        var ports = FreePorts(Departments.Length * 2);
        _clientPorts = ports[..Departments.Length];
        _peerPorts = ports[Departments.Length..];

        var genesis = new Genesis
        {
            ChainId = "govchain-loadgen",
            GenesisTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000,
            Consensus = new ConsensusParams { MaxBlockTxs = (uint)maxBlockTxs, MaxBlockBytes = (uint)maxBlockTxs * 1024 },
        };
        for (var i = 0; i < Departments.Length; i++)
        {
            var key = Own(KeyPair.Generate());
            var certificate = Own(DepartmentCertificates.Create(Departments[i], ["127.0.0.1", "localhost"], TimeSpan.FromDays(1)));
            DepartmentCertificates.WritePem(certificate, CertificateFile(i), KeyFile(i));
            _validatorKeys.Add(key);
            _certificates.Add(certificate);
            genesis.Departments.Add(new Department
            {
                Id = Departments[i],
                Name = Departments[i],
                ValidatorKey = ByteString.CopyFrom(key.PublicKey),
                VotingPower = 10,
                Endpoint = $"127.0.0.1:{_peerPorts[i]}",
                TlsCertificate = ByteString.CopyFrom(certificate.RawData),
            });
        }

        // Several registrars so the set-up registrations are not one serial nonce chain.
        for (var r = 0; r < registrarCount; r++)
        {
            var registrar = Own(KeyPair.Generate());
            Registrars.Add(registrar);
            genesis.Roles.Add(new RoleGrant { Role = "land.registrar", Holder = ByteString.CopyFrom(registrar.PublicKey), DepartmentId = Departments[0] });
        }

        Genesis = GenesisDocument.FromProto(genesis);
        File.WriteAllText(GenesisFile, Genesis.ToJson());
        Nodes = new GovChainNode?[Departments.Length];
    }

    public string Root { get; }

    public GenesisDocument Genesis { get; }

    public List<KeyPair> Registrars { get; } = [];

    public GovChainNode?[] Nodes { get; }

    public int Count => Departments.Length;

    private string GenesisFile => Path.Combine(Root, "genesis.json");

    public Task StartAllAsync() => Task.WhenAll(Enumerable.Range(0, Count).Select(StartAsync));

    public async Task StartAsync(int i)
    {
        var settings = new GovChainNodeSettings { PeerNetworkFactory = StandardNode.CreatePeerNetwork, ValidatorKey = _validatorKeys[i] };
        StandardNode.AddServices(settings);
        var node = GovChainNode.Create(Options(i), settings);
        Nodes[i] = node;
        await node.StartAsync().ConfigureAwait(false);
    }

    /// <summary>An SDK client of node <paramref name="i"/>'s client API, trusting that node's certificate only.</summary>
    public GovChainClient Client(int i)
    {
        var client = new GovChainClient(new Uri($"https://127.0.0.1:{_clientPorts[i]}"), new GovChainClientOptions
        {
            Channel = new RpcChannelOptions { TrustedServerCertificates = [_certificates[i]] },
            DefaultTimeout = TimeSpan.FromSeconds(30),
            DefaultWaitTimeout = TimeSpan.FromSeconds(60),
        });
        _owned.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Nodes.Length; i++)
        {
            if (Nodes[i] is { } node)
            {
                Nodes[i] = null;
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"warning: could not delete {Root}: {ex.Message}");
        }
    }

    private NodeOptions Options(int i) => new()
    {
        DataDirectory = Path.Combine(Root, Departments[i], "data"),
        DepartmentId = Departments[i],
        GenesisFile = GenesisFile,
        ListenAddress = $"127.0.0.1:{_clientPorts[i]}",
        PeerListenAddress = $"127.0.0.1:{_peerPorts[i]}",
        Tls = new TlsOptions { CertificateFile = CertificateFile(i), KeyFile = KeyFile(i) },

        // Short timeouts keep an idle or failed round from costing seconds; an empty-block delay
        // lets transactions accumulate into full blocks instead of many tiny ones.
        Consensus = new ConsensusTimeoutOptions
        {
            ProposeMs = _proposeMs,
            PrevoteMs = _proposeMs / 2,
            PrecommitMs = _proposeMs / 2,
            DeltaMs = 100,
            RetransmitMs = 300,
            EmptyBlockDelayMs = Math.Min(200, _proposeMs / 2),
            SyncPollMs = 500,
            FreshStartGraceMs = 1000,
        },
        Mempool = new Node.Mempool.MempoolOptions { MaxTransactions = 200_000, MaxBytes = 256L << 20 },
        Storage = new StorageSettings { SyncWrites = _syncWrites },
    };

    private string CertificateFile(int i) => Path.Combine(Root, $"{Departments[i]}.crt");

    private string KeyFile(int i) => Path.Combine(Root, $"{Departments[i]}.tls.key");

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}

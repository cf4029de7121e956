using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Node.Configuration;
using GovChain.Node.Mempool;
using GovChain.Node.Setup;

namespace GovChain.LoadGen;

/// <summary>
/// The four-department network folder of one run, made by the shared <see cref="NetworkBlueprint"/>
/// in a temp folder: genesis (with the registrars the set-up phase uses), keys, TLS
/// certificates, and node configurations tuned for throughput. Whoever runs the nodes
/// (<see cref="NodeProcessGroup"/> or <see cref="InProcessNodes"/>) reads it; disposing deletes it.
/// </summary>
internal sealed class BenchNetwork : IDisposable
{
    private readonly GeneratedNetwork _network;
    private readonly List<GovChainClient> _clients = [];

    public BenchNetwork(int registrarCount, int maxBlockTxs, bool syncWrites, int proposeMs)
    {
        Root = Directory.CreateTempSubdirectory("govchain-loadgen-").FullName;
        try
        {
            _network = new NetworkBlueprint
            {
                ChainId = "govchain-loadgen",
                Departments = NetworkBlueprint.DefaultDepartments,
                // Several registrars so the set-up registrations are not one serial nonce chain.
                RoleHolders = Enumerable.Range(0, registrarCount).Select(r => new RoleHolderSpec($"registrar-{r:D2}", "land.registrar", "land-registry")).ToArray(),
                MaxBlockTxs = (uint)maxBlockTxs,
                MaxBlockBytes = (uint)maxBlockTxs * 1024,
                GenesisTime = DateTimeOffset.UtcNow.AddMinutes(-1),
                CertificateValidity = TimeSpan.FromDays(1),
                // Throwaway keys of a throwaway network: the cheapest Argon2id cost keeps node start-up quick.
                KeyCost = new KeyFile.KdfCost(1, 1UL << 20),
                // Short timeouts keep an idle or failed round from costing seconds; an empty-block delay
                // lets transactions accumulate into full blocks instead of many tiny ones.
                Consensus = new ConsensusTimeoutOptions
                {
                    ProposeMs = proposeMs,
                    PrevoteMs = proposeMs / 2,
                    PrecommitMs = proposeMs / 2,
                    DeltaMs = 100,
                    RetransmitMs = 300,
                    EmptyBlockDelayMs = Math.Min(200, proposeMs / 2),
                    SyncPollMs = 500,
                    FreshStartGraceMs = 1000,
                },
                Mempool = new MempoolOptions { MaxTransactions = 200_000, MaxBytes = 256L << 20 },
                Storage = new StorageSettings { SyncWrites = syncWrites },
            }.Generate();
            Folder = _network.WriteTo(Root);
        }
        catch
        {
            _network?.Dispose();
            Directory.Delete(Root, recursive: true);
            throw;
        }
    }

    public static IReadOnlyList<string> Departments => NetworkBlueprint.DefaultDepartments;

    public string Root { get; }

    /// <summary>Leave the folder (configurations, node logs, databases) on disk when disposed.</summary>
    public bool KeepFolder { get; set; }

    public NetworkFolder Folder { get; }

    public GenesisDocument Genesis => _network.Genesis;

    public int Count => _network.Departments.Count;

    public IReadOnlyList<KeyPair> Registrars => _network.RoleHolders.Select(h => h.Key).ToArray();

    public KeyPair ValidatorKey(int i) => _network.Departments[i].ValidatorKey;

    public string ConfigFile(int i) => Folder.ConfigFile(_network.Departments[i].Id);

    public string DepartmentId(int i) => _network.Departments[i].Id;

    /// <summary>An SDK client of node <paramref name="i"/>'s client API over TLS, trusting that node's certificate only.</summary>
    public GovChainClient Client(int i, TimeSpan? timeout = null)
    {
        var client = new GovChainClient(_network.Departments[i].ClientUri, new GovChainClientOptions
        {
            Channel = new GovChainChannelOptions { TrustedServerCertificates = [_network.Departments[i].Certificate], ConnectTimeout = TimeSpan.FromSeconds(3) },
            DefaultTimeout = timeout ?? TimeSpan.FromSeconds(30),
            DefaultWaitTimeout = TimeSpan.FromSeconds(60),
        });
        _clients.Add(client);
        return client;
    }

    /// <summary>Call after every node has stopped: the nodes' files are deleted with the folder.</summary>
    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _network.Dispose();
        if (KeepFolder)
        {
            Console.WriteLine($"network folder kept: {Root} (node logs in DEPT/node.log)");
            return;
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
}

using GovChain.Node.Mempool;

namespace GovChain.Node.Configuration;

/// <summary>
/// Everything a department's node is configured with: bound from a JSON file and
/// GOVCHAIN__-prefixed environment variables by <see cref="NodeOptionsLoader"/>, then checked by
/// <see cref="NodeOptionsValidator"/>, which names the setting of every problem it finds.
/// Relative paths are relative to the configuration file's directory.
/// </summary>
public sealed class NodeOptions
{
    /// <summary>The RocksDB directory of this node (created when missing).</summary>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>This node's department, as listed in genesis.</summary>
    public string DepartmentId { get; set; } = string.Empty;

    /// <summary>The genesis document (JSON) shared by every node of the chain.</summary>
    public string GenesisFile { get; set; } = string.Empty;

    /// <summary>The validator's encrypted key file; empty for a node that only follows the chain.</summary>
    public string ValidatorKeyFile { get; set; } = string.Empty;

    /// <summary>
    /// Further key files of this department (same passphrase), for a validator-key rotation: the
    /// node signs each height with whichever of its keys the committed state registers for it.
    /// </summary>
    public List<string> ValidatorKeyFiles { get; set; } = [];

    /// <summary>A file holding the key file's passphrase (first line).</summary>
    public string ValidatorPassphraseFile { get; set; } = string.Empty;

    /// <summary>The passphrase itself, for environments that inject secrets as variables (GOVCHAIN__VALIDATORPASSPHRASE).</summary>
    public string ValidatorPassphrase { get; set; } = string.Empty;

    /// <summary>host:port of the node's gRPC server for agencies and operators (client API, health, /metrics and /healthz).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1:7400";

    /// <summary>
    /// host:port of the peer listener, the endpoint genesis lists for this department. It has its
    /// own server because peers authenticate by mutual TLS pinned to genesis, which agencies
    /// calling the client API cannot. Empty: the peer service shares the client server (loopback tests).
    /// </summary>
    public string PeerListenAddress { get; set; } = string.Empty;

    /// <summary>Optional plain HTTP/1.1 port for Prometheus scrapers (0 = a free port).</summary>
    public int? MetricsHttp1Port { get; set; }

    public TlsOptions Tls { get; set; } = new();

    /// <summary>The other departments' nodes, for the peer network.</summary>
    public List<PeerAddress> Peers { get; set; } = [];

    public ConsensusTimeoutOptions Consensus { get; set; } = new();

    public MempoolOptions Mempool { get; set; } = new();

    /// <summary>What one client of the client API may hold, and how slow a connection may be.</summary>
    public ClientApiSettings ClientApi { get; set; } = new();

    public StorageSettings Storage { get; set; } = new();

    /// <summary>Set to run an observer (no key, follows department nodes' client API); see <see cref="ObserverOptions"/>.</summary>
    public ObserverOptions Observer { get; set; } = new();

    /// <summary>Directory the relative paths above were resolved against (set by the loader).</summary>
    public string BaseDirectory { get; set; } = string.Empty;
}

/// <summary>TLS of the node's server. Without a certificate the server speaks plaintext HTTP/2, allowed only on loopback.</summary>
public sealed class TlsOptions
{
    /// <summary>PEM certificate of this department's node.</summary>
    public string CertificateFile { get; set; } = string.Empty;

    /// <summary>PEM private key of that certificate.</summary>
    public string KeyFile { get; set; } = string.Empty;

    /// <summary>PEM certificates of the other departments; when given, clients must present one of them (mutual TLS).</summary>
    public List<string> TrustedClientCertificateFiles { get; set; } = [];

    public bool Enabled => CertificateFile.Length > 0;
}

/// <summary>Where a peer department's node listens.</summary>
public sealed class PeerAddress
{
    public string DepartmentId { get; set; } = string.Empty;

    /// <summary>host:port.</summary>
    public string Address { get; set; } = string.Empty;
}

/// <summary>Timeouts of the consensus protocol; zero takes the value of genesis (or the protocol default).</summary>
public sealed class ConsensusTimeoutOptions
{
    public int ProposeMs { get; set; }

    public int PrevoteMs { get; set; }

    public int PrecommitMs { get; set; }

    public int DeltaMs { get; set; }

    public int RetransmitMs { get; set; }

    /// <summary>How long a node with a fresh database waits to hear its peers' heights before deciding whether it rejoins or starts the chain.</summary>
    public int FreshStartGraceMs { get; set; } = 3000;

    /// <summary>Most blocks fetched by one block-sync request.</summary>
    public int SyncBatchBlocks { get; set; } = 100;

    /// <summary>Bound of the consensus event queue; peer messages beyond it are dropped (consensus retransmits).</summary>
    public int EventQueueCapacity { get; set; } = 8192;

    /// <summary>With an empty mempool the proposer waits this long before proposing an empty block; keep it below ProposeMs.</summary>
    public int EmptyBlockDelayMs { get; set; } = 1000;

    /// <summary>
    /// While the mempool stays empty, a height waits this long for a transaction before its proposer
    /// makes an empty block: an idle network commits one block per interval. 0: a block after EmptyBlockDelayMs.
    /// </summary>
    public int IdleBlockIntervalMs { get; set; } = 10_000;

    /// <summary>How often the node checks whether peers are ahead while its height stands still.</summary>
    public int SyncPollMs { get; set; } = 1000;

    /// <summary>New signature checks one peer may cost this node per second; beyond it the peer's messages are dropped unchecked.</summary>
    public int PeerSignatureChecksPerSecond { get; set; } = 2000;
}

/// <summary>How the node database is run.</summary>
public sealed class StorageSettings
{
    /// <summary>Sync each commit to stable storage; turn off only for benchmarks.</summary>
    public bool SyncWrites { get; set; } = true;

    /// <summary>Recent heights of state kept readable and provable; 0 keeps all.</summary>
    public int KeepRecentHeights { get; set; }

    public long BlockCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Keep the database in memory (tests and demonstrations only: nothing survives a restart).</summary>
    public bool InMemory { get; set; }
}

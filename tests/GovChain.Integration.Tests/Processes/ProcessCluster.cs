using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using GovChain.Client;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Integration.Tests.Support;
using GovChain.Node.Security;
using GovChain.Protocol;
using GovChain.Rpc;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// Four department nodes, each its own operating-system process started from the CLI's build
/// output, configured only by what an operator would write: a shared genesis (peer endpoints on
/// ports reserved free now, TLS certificates pinned), and per department an encrypted validator
/// key with its passphrase file, TLS PEM files and a JSON configuration whose paths are relative
/// to it. Every process is killed and the folder deleted on dispose.
/// </summary>
internal sealed class ProcessCluster : IDisposable
{
    public static readonly string[] Departments = ["land-registry", "finance", "education", "justice"];

    private static readonly KeyFile.KdfCost CheapKdf = new(1, 1UL << 20);
    private readonly List<IDisposable> _owned = [];
    private readonly int[] _clientPorts;
    private readonly int[] _peerPorts;
    private readonly GovChainClient[] _clients;
    private readonly ProcessClusterOptions _options;

    public ProcessCluster(ProcessClusterOptions? options = null)
    {
        _options = options ?? new ProcessClusterOptions();
        Root = Directory.CreateTempSubdirectory("govchain-processes-").FullName;
        var cli = LocateCli();
        var ports = FreePorts.Take(Departments.Length * 2);
        _clientPorts = ports[..Departments.Length];
        _peerPorts = ports[Departments.Length..];
        Registrar = Own(KeyPair.Generate());

        var genesis = new Genesis
        {
            ChainId = "govchain-processes",
            GenesisTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000,
            Consensus = new ConsensusParams { MaxBlockTxs = 1000 },
        };
        var certificates = new X509Certificate2[Departments.Length];
        for (var i = 0; i < Departments.Length; i++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(Root, Departments[i])).FullName;
            using var key = KeyPair.Generate();
            var passphrase = $"passphrase of {Departments[i]} {Guid.NewGuid():N}";
            File.WriteAllText(Path.Combine(folder, "validator.pass"), passphrase + "\n");
            KeyFile.Write(Path.Combine(folder, "validator.key"), key, passphrase, CheapKdf);

            certificates[i] = Own(DepartmentCertificates.Create(Departments[i], ["127.0.0.1", "localhost"], TimeSpan.FromDays(1)));
            DepartmentCertificates.WritePem(certificates[i], Path.Combine(folder, "tls.crt"), Path.Combine(folder, "tls.key"));
            genesis.Departments.Add(new Department
            {
                Id = Departments[i],
                Name = Departments[i],
                ValidatorKey = ByteString.CopyFrom(key.PublicKey),
                VotingPower = 10,
                Endpoint = $"127.0.0.1:{_peerPorts[i]}",
                TlsCertificate = ByteString.CopyFrom(certificates[i].RawData),
            });
        }

        genesis.Roles.Add(new RoleGrant { Role = "land.registrar", Holder = ByteString.CopyFrom(Registrar.PublicKey), DepartmentId = Departments[0] });
        File.WriteAllText(Path.Combine(Root, "genesis.json"), GenesisDocument.FromProto(genesis).ToJson());

        Nodes = new NodeProcess[Departments.Length];
        _clients = new GovChainClient[Departments.Length];
        for (var i = 0; i < Departments.Length; i++)
        {
            var config = Path.Combine(Root, Departments[i], "node.json");
            File.WriteAllText(config, NodeConfiguration(i));
            var program = _options.Programs.TryGetValue(i, out var other) ? other : cli;
            Nodes[i] = Own(new NodeProcess(program, config, Path.Combine(Root, $"{Departments[i]}.log")));
            _clients[i] = Own(new GovChainClient(new Uri($"https://127.0.0.1:{_clientPorts[i]}"), new GovChainClientOptions
            {
                Channel = new RpcChannelOptions { TrustedServerCertificates = [certificates[i]], ConnectTimeout = TimeSpan.FromSeconds(3) },
                DefaultTimeout = TimeSpan.FromSeconds(10),
                DefaultWaitTimeout = TimeSpan.FromSeconds(30),
            }));
        }
    }

    public string Root { get; }

    public KeyPair Registrar { get; }

    public NodeProcess[] Nodes { get; }

    /// <summary>An SDK client of node <paramref name="i"/>'s client API, trusting that node's certificate only.</summary>
    public GovChainClient Client(int i) => _clients[i];

    public string DataDirectory(int i) => Path.Combine(Root, Departments[i], "data");

    public Task StartAllAsync(TimeSpan limit)
    {
        for (var i = 0; i < Departments.Length; i++)
        {
            Nodes[i].Start();
        }

        return Task.WhenAll(Enumerable.Range(0, Departments.Length).Select(i => WaitUntilServingAsync(i, limit)));
    }

    public Task StartAsync(int i, TimeSpan limit)
    {
        Nodes[i].Start();
        return WaitUntilServingAsync(i, limit);
    }

    /// <summary>Waits (bounded) until node <paramref name="i"/> answers GetStatus over its client API.</summary>
    public async Task WaitUntilServingAsync(int i, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (Nodes[i].ExitCode is { } code)
            {
                throw Failure($"{Departments[i]} exited with code {code} before serving.");
            }

            try
            {
                await Client(i).GetStatusAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                throw Failure($"{Departments[i]} did not serve its client API within {limit}: {ex.Status}", ex);
            }
        }
    }

    /// <summary>The committed height node <paramref name="i"/> reports.</summary>
    public async Task<ulong> HeightAsync(int i) => (await Client(i).GetStatusAsync().ConfigureAwait(false)).Height;

    /// <summary>Waits (bounded) until each of <paramref name="nodes"/> reports at least <paramref name="height"/>.</summary>
    public async Task WaitForHeightAsync(IReadOnlyList<int> nodes, ulong height, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var heights = await Task.WhenAll(nodes.Select(HeightAsync)).ConfigureAwait(false);
            if (heights.All(h => h >= height))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var shown = string.Join(", ", nodes.Select((n, k) => $"{Departments[n]}={heights[k]}"));
                throw Failure($"Nodes did not reach height {height} within {limit}: {shown}");
            }

            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    /// <summary>The hash of the block each node holds at <paramref name="height"/>, read through its client API (null when it has none).</summary>
    public async Task<Hash32?[]> BlockHashesAsync(IReadOnlyList<int> nodes, ulong height)
    {
        var blocks = await Task.WhenAll(nodes.Select(n => Client(n).GetBlockAsync(height))).ConfigureAwait(false);
        return blocks.Select(b => b is null ? (Hash32?)null : b.Block.Header.Hash()).ToArray();
    }

    /// <summary>An exception whose message carries the tail of every node's log.</summary>
    public Exception Failure(string message, Exception? inner = null) => new ClusterFailureException(message + Environment.NewLine + LogTails(40), inner);

    public string LogTails(int lines)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Nodes.Length; i++)
        {
            text.AppendLine($"---- {Departments[i]} (last {lines} lines of {Nodes[i].LogFile}) ----");
            text.AppendLine(Nodes[i].Tail(lines));
        }

        return text.ToString();
    }

    public void Dispose()
    {
        // Processes first (NodeProcess.Dispose kills the whole tree), then the folder they wrote in.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A killed process's file handles may linger an instant; the OS temp folder is cleaned anyway.
        }
    }

    /// <summary>govchain.dll from the CLI's build output, the same configuration as this test assembly.</summary>
    private static string LocateCli() => LocateBuildOutput(Path.Combine("tools", "Cli"), "govchain.dll");

    /// <summary>
    /// <paramref name="assembly"/> from the build output of the project in <paramref name="projectFolder"/>
    /// (relative to the repository root), the same configuration and framework as this test assembly.
    /// </summary>
    public static string LocateBuildOutput(string projectFolder, string assembly)
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = baseDirectory.Name;
        var configuration = baseDirectory.Parent!.Name;
        for (var dir = baseDirectory; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GovChain.sln")))
            {
                var built = Path.Combine(dir.FullName, projectFolder, "bin", configuration, framework, assembly);
                return File.Exists(built)
                    ? built
                    : throw new FileNotFoundException($"{assembly} is not built at {built}; the test project's reference to {projectFolder} builds it.", built);
            }
        }

        throw new DirectoryNotFoundException($"No GovChain.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The node's JSON configuration, with paths relative to its own folder as an operator would write them.</summary>
    private string NodeConfiguration(int i) => JsonSerializer.Serialize(
        new
        {
            DataDirectory = "data",
            DepartmentId = Departments[i],
            GenesisFile = "../genesis.json",
            ValidatorKeyFile = "validator.key",
            ValidatorPassphraseFile = "validator.pass",
            ListenAddress = $"127.0.0.1:{_clientPorts[i]}",
            PeerListenAddress = $"127.0.0.1:{_peerPorts[i]}",
            Tls = new { CertificateFile = "tls.crt", KeyFile = "tls.key" },
            Consensus = _options.Consensus,
            Storage = new { _options.SyncWrites },
        },
        new JsonSerializerOptions { WriteIndented = true });

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}

/// <summary>What a fault test may vary in a <see cref="ProcessCluster"/>; the defaults are those of the crash tests.</summary>
internal sealed record ProcessClusterOptions
{
    /// <summary>The consensus settings of every node's configuration file.</summary>
    public ClusterConsensusSettings Consensus { get; init; } = new();

    /// <summary>
    /// By department index, an assembly started instead of the CLI with the same arguments
    /// (<c>node run --config FILE</c>): a test-only program such as the Byzantine node.
    /// </summary>
    public IReadOnlyDictionary<int, string> Programs { get; init; } = new Dictionary<int, string>();

    /// <summary>
    /// Whether each commit is synced to disk. Off only where a test needs many blocks fast: a
    /// SIGKILL loses nothing the process wrote (the OS still holds it); only a machine crash would.
    /// </summary>
    public bool SyncWrites { get; init; } = true;
}

/// <summary>The "Consensus" section of the nodes' configuration files (names as in NodeOptions).</summary>
internal sealed record ClusterConsensusSettings
{
    public int ProposeMs { get; init; } = 1000;

    public int PrevoteMs { get; init; } = 300;

    public int PrecommitMs { get; init; } = 300;

    public int DeltaMs { get; init; } = 100;

    public int RetransmitMs { get; init; } = 200;

    public int EmptyBlockDelayMs { get; init; } = 200;

    public int SyncPollMs { get; init; } = 200;

    public int FreshStartGraceMs { get; init; } = 1000;
}

/// <summary>A failed expectation about the cluster; its message carries the nodes' log tails.</summary>
internal sealed class ClusterFailureException(string message, Exception? inner) : Exception(message, inner);

using System.Text;
using GovChain.Client;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Configuration;
using GovChain.Node.Setup;
using Grpc.Core;

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
    public static readonly string[] Departments = [.. NetworkBlueprint.DefaultDepartments];

    private static readonly KeyFile.KdfCost CheapKdf = new(1, 1UL << 20);
    private readonly List<IDisposable> _owned = [];
    private readonly NetworkFolder _folder;
    private readonly GovChainClient[] _clients;
    private readonly ProcessClusterOptions _options;
    private readonly NetworkDepartment[] _departments;
    private readonly GeneratedNetwork _network;

    public ProcessCluster(ProcessClusterOptions? options = null)
    {
        _options = options ?? new ProcessClusterOptions();
        Root = Directory.CreateTempSubdirectory("govchain-processes-").FullName;
        var cli = LocateCli();
        Names = [.. Departments, .. _options.LaterDepartments];
        var network = Own(new NetworkBlueprint
        {
            ChainId = "govchain-processes",
            Departments = Names,
            // A cluster whose membership changes needs each department's admin to propose and approve.
            RoleHolders =
            [
                .. _options.StandardRoles ? NetworkBlueprint.StandardRoleHolders(Departments) : [new RoleHolderSpec("registrar", "land.registrar", Departments[0])],
                .. _options.LaterDepartments.Count > 0 ? Names.Select(d => new RoleHolderSpec($"admin-{d}", "department.admin", d)) : [],
            ],
            GenesisTime = DateTimeOffset.UtcNow.AddMinutes(-1),
            CertificateValidity = TimeSpan.FromDays(1),
            KeyCost = CheapKdf,
            Consensus = _options.Consensus,
            MaxBlockBytes = _options.MaxBlockBytes,
            Storage = new StorageSettings { SyncWrites = _options.SyncWrites },
        }.Generate());
        _folder = network.WriteTo(Root);
        _departments = [.. network.Departments];
        Network = network;
        _network = network;
        Registrar = network.RoleHolder("registrar").Key;
        if (_options.LaterDepartments.Count > 0)
        {
            // Departments governance adds later have keys, certificates and configurations, but genesis does not list them.
            var genesis = network.Genesis.Proto.Clone();
            var later = _options.LaterDepartments.ToHashSet(StringComparer.Ordinal);
            var kept = genesis.Departments.Where(d => !later.Contains(d.Id)).ToList();
            var roles = genesis.Roles.Where(r => !later.Contains(r.DepartmentId)).ToList();
            genesis.Departments.Clear();
            genesis.Departments.AddRange(kept);
            genesis.Roles.Clear();
            genesis.Roles.AddRange(roles);
            File.WriteAllText(_folder.GenesisFile, GovChain.Core.Genesis.GenesisDocument.FromProto(genesis).ToJson());
        }

        Nodes = new NodeProcess[Names.Length];
        _clients = new GovChainClient[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            var department = network.Departments[i];
            var program = _options.Programs.TryGetValue(i, out var other) ? other : cli;
            Nodes[i] = Own(new NodeProcess(
                program, _folder.ConfigFile(department.Id), Path.Combine(Root, $"{department.Id}.log"), _options.Arguments.GetValueOrDefault(i)));
            _clients[i] = Own(new GovChainClient(department.ClientUri, new GovChainClientOptions
            {
                Channel = new GovChainChannelOptions { TrustedServerCertificates = [department.Certificate], ConnectTimeout = TimeSpan.FromSeconds(3) },
                DefaultTimeout = TimeSpan.FromSeconds(10),
                DefaultWaitTimeout = TimeSpan.FromSeconds(30),
            }));
        }
    }

    public string Root { get; }

    /// <summary>Every department of this cluster: the genesis ones, then those governance adds later.</summary>
    public string[] Names { get; }

    /// <summary>The generated keys, certificates and role holders of every department.</summary>
    public GeneratedNetwork Network { get; }

    public NetworkFolder Folder => _folder;

    /// <summary>Replaces node <paramref name="i"/>'s client (after its TLS certificate changed).</summary>
    public void TrustClientCertificate(int i, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        _clients[i] = Own(new GovChainClient(Network.Departments[i].ClientUri, new GovChainClientOptions
        {
            Channel = new GovChainChannelOptions { TrustedServerCertificates = [certificate], ConnectTimeout = TimeSpan.FromSeconds(3) },
            DefaultTimeout = TimeSpan.FromSeconds(10),
            DefaultWaitTimeout = TimeSpan.FromSeconds(30),
        }));
    }

    public KeyPair Registrar { get; }

    public NodeProcess[] Nodes { get; }

    /// <summary>The key of a role holder of the genesis by its name ("registrar", "bank", "university", ...).</summary>
    public KeyPair RoleKey(string name) => _network.RoleHolder(name).Key;

    /// <summary>The genesis every node of the cluster runs, as its JSON file.</summary>
    public string GenesisJson => _network.Genesis.ToJson();

    /// <summary>The https address of node <paramref name="i"/>'s client endpoint (and so of its public page).</summary>
    public Uri ClientUri(int i) => _network.Departments[i].ClientUri;

    /// <summary>An SDK client of node <paramref name="i"/>'s client API, trusting that node's certificate only.</summary>
    public GovChainClient Client(int i) => _clients[i];

    /// <summary>A channel to node <paramref name="i"/>'s client API from the loopback address <paramref name="local"/>: another client, as the node counts clients.</summary>
    public global::Grpc.Net.Client.GrpcChannel Channel(int i, System.Net.IPAddress local) =>
        Own(GovChainClient.CreateChannel(_departments[i].ClientUri, new GovChainChannelOptions { TrustedServerCertificates = [_departments[i].Certificate], LocalAddress = local }));

    /// <summary>An SDK client of node <paramref name="i"/> from the loopback address <paramref name="local"/>.</summary>
    public GovChainClient Client(int i, System.Net.IPAddress local) => Own(new GovChainClient(_departments[i].ClientUri, new GovChainClientOptions
    {
        Channel = new GovChainChannelOptions { TrustedServerCertificates = [_departments[i].Certificate], LocalAddress = local, ConnectTimeout = TimeSpan.FromSeconds(3) },
        DefaultTimeout = TimeSpan.FromSeconds(10),
        DefaultWaitTimeout = TimeSpan.FromSeconds(30),
    }));

    public string DataDirectory(int i) => _folder.DataDirectory(Names[i]);

    /// <summary>Starts the genesis departments' nodes (not those governance adds later).</summary>
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
                throw Failure($"{Names[i]} exited with code {code} before serving.");
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
                throw Failure($"{Names[i]} did not serve its client API within {limit}: {ex.Status}", ex);
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
                var shown = string.Join(", ", nodes.Select((n, k) => $"{Names[n]}={heights[k]}"));
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
            text.AppendLine($"---- {Names[i]} (last {lines} lines of {Nodes[i].LogFile}) ----");
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
    public ConsensusTimeoutOptions Consensus { get; init; } = new()
    {
        ProposeMs = 1000,
        PrevoteMs = 300,
        PrecommitMs = 300,
        DeltaMs = 100,
        RetransmitMs = 200,
        EmptyBlockDelayMs = 200,
        IdleBlockIntervalMs = 0,
        SyncPollMs = 200,
        FreshStartGraceMs = 1000,
    };

    /// <summary>
    /// By department index, an assembly started instead of the CLI with the same arguments
    /// (<c>node run --config FILE</c>): a test-only program such as the Byzantine node.
    /// </summary>
    public IReadOnlyDictionary<int, string> Programs { get; init; } = new Dictionary<int, string>();

    /// <summary>By department index, arguments appended to <c>node run --config FILE</c> (such as the Byzantine node's <c>--mode</c>).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> Arguments { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    /// <summary>
    /// Whether each commit is synced to disk. Off only where a test needs many blocks fast: a
    /// SIGKILL loses nothing the process wrote (the OS still holds it); only a machine crash would.
    /// </summary>
    public bool SyncWrites { get; init; } = true;

    /// <summary>The chain's max_block_bytes (0: the default).</summary>
    public uint MaxBlockBytes { get; init; }

    /// <summary>Departments generated beside the genesis ones (keys, certificates, configurations) but left out of genesis, for governance to add.</summary>
    public IReadOnlyList<string> LaterDepartments { get; init; } = [];

    /// <summary>The standard role holders of <c>network init</c> (registrar, bank, university, procurement officer, inspector) instead of the registrar alone.</summary>
    public bool StandardRoles { get; init; }
}

/// <summary>A failed expectation about the cluster; its message carries the nodes' log tails.</summary>
internal sealed class ClusterFailureException(string message, Exception? inner) : Exception(message, inner);

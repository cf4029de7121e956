using System.Globalization;
using System.Text;
using GovChain.Cli.Localnet;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;

namespace GovChain.Cli.Tests.Support;

/// <summary>Every test that needs running nodes shares one network: xunit runs them one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class CliTestNetworkCollection : ICollectionFixture<CliTestNetwork>
{
    public const string Name = "cli test network";
}

/// <summary>
/// The one network of the CLI tests: 'network init' then the four node processes of 'localnet up'
/// (real processes, real TLS gRPC on loopback, as an operator runs them), waited on until their
/// first block, stopped and deleted on dispose. No test stops or kills these nodes.
/// </summary>
public sealed class CliTestNetwork : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private readonly TempFolder _temp = new();
    private readonly List<IDisposable> _owned = [];
    private int _keys;

    internal NetworkLayout Layout { get; private set; } = null!;

    internal GenesisDocument Genesis { get; private set; } = null!;

    public string Root => Layout.Root;

    /// <summary>A scratch folder beside the network, removed with it.</summary>
    public string Folder => _temp.Path;

    public string GenesisFile => Layout.GenesisFile;

    public string RegistrarKeyFile => Layout.RoleKeyFile("registrar");

    public string RegistrarPassphraseFile => Layout.RolePassphraseFile("registrar");

    /// <summary>A path in the scratch folder.</summary>
    public string Scratch(string name) => _temp.Sub(name);

    public async Task InitializeAsync()
    {
        Layout = new NetworkLayout(_temp.Sub("network"));
        NetworkInitializer.Initialize(new NetworkInitRequest(Layout.Root, NetworkInitializer.DefaultDepartments, "govchain-cli-tests", 0, Force: false));
        Genesis = LocalnetOperations.LoadGenesis(Layout);
        using var bound = new CancellationTokenSource(Bound);
        await LocalnetOperations.UpAsync(Layout, null, bound.Token);

        // Until a first block commits there is no certified state to prove or look up.
        await WaitForHeightAsync(1);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        if (Layout is not null && Layout.HasNetwork)
        {
            await LocalnetOperations.DownAsync(Layout, null);
        }

        _temp.Dispose();
    }

    /// <summary>Runs the CLI against this network (adds <c>--dir</c>).</summary>
    internal Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, "--dir", Root]);

    /// <summary>Waits (bounded) until every node has committed <paramref name="height"/>.</summary>
    public async Task WaitForHeightAsync(ulong height)
    {
        using var bound = new CancellationTokenSource(Bound);
        var departments = Layout.ReadManifest().Departments;
        var clients = departments.Select(d => Client(d.ClientUri)).ToList();
        ulong lowest = 0;
        while (true)
        {
            lowest = ulong.MaxValue;
            foreach (var client in clients)
            {
                var status = await client.GetStatusAsync(cancellationToken: bound.Token);
                lowest = Math.Min(lowest, status.Height);
            }

            if (lowest >= height)
            {
                return;
            }

            Assert.False(bound.IsCancellationRequested, string.Create(CultureInfo.InvariantCulture, $"the nodes did not reach height {height} within {Bound}: at {lowest}"));
            await Task.Delay(100, bound.Token);
        }
    }

    /// <summary>An SDK client of the first node, trusting the genesis certificates.</summary>
    internal GovChainClient Client() => Client(Layout.ReadManifest().Departments[0].ClientUri);

    internal KeyPair Registrar()
    {
        var key = KeyFile.Read(RegistrarKeyFile, File.ReadAllText(RegistrarPassphraseFile).TrimEnd('\r', '\n'));
        _owned.Add(key);
        return key;
    }

    /// <summary>A new person's key file (cheap key derivation) and its passphrase file; returns both paths and the public key in hex.</summary>
    public (string KeyFile, string PassphraseFile, string PublicKey) NewPerson(string name)
    {
        var n = Interlocked.Increment(ref _keys);
        var keyFile = Path.Combine(Folder, $"{name}-{n}.key");
        var passFile = Path.Combine(Folder, $"{name}-{n}.pass");
        var passphrase = $"passphrase of {name} {n}";
        File.WriteAllText(passFile, passphrase + "\n", Encoding.UTF8);
        using var key = KeyPair.Generate();
        KeyFile.Write(keyFile, key, passphrase, KeyFile.Interactive);
        return (keyFile, passFile, key.PublicKeyHex);
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int ClosedLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private GovChainClient Client(Uri address)
    {
        var client = NodeClients.Create(address, NodeClients.PinnedCertificates(Genesis), TimeSpan.FromSeconds(30));
        _owned.Add(client);
        return client;
    }
}

using GovChain.Cli.Localnet;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;

namespace GovChain.Cli.Tests.Support;

/// <summary>
/// A real four-department network for the proof and import tests: 'network init' then the four
/// node processes of 'localnet up', shared by one test class and stopped after it.
/// </summary>
public sealed class ProofImportNetwork : IAsyncLifetime
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(120);
    private readonly TempFolder _temp = new();
    private readonly List<IDisposable> _owned = [];

    internal NetworkLayout Layout { get; private set; } = null!;

    internal GenesisDocument Genesis { get; private set; } = null!;

    public string Root => Layout.Root;

    public string GenesisFile => Layout.GenesisFile;

    public string RegistrarKeyFile => Layout.RoleKeyFile("registrar");

    public string RegistrarPassphraseFile => Layout.RolePassphraseFile("registrar");

    /// <summary>A scratch folder removed with the network.</summary>
    public string Scratch(string name) => _temp.Sub(name);

    public async Task InitializeAsync()
    {
        Layout = new NetworkLayout(_temp.Sub("network"));
        NetworkInitializer.Initialize(new NetworkInitRequest(Layout.Root, NetworkInitializer.DefaultDepartments, "govchain-cliproof", 0, Force: false));
        Genesis = LocalnetOperations.LoadGenesis(Layout);
        using var bound = new CancellationTokenSource(StartBound);
        await LocalnetOperations.UpAsync(Layout, null, bound.Token);

        // Until a first block commits there is no certified state to prove or look up: wait for it (bounded).
        var client = Client();
        while (await client.GetBlockAsync(1, cancellationToken: bound.Token) is null)
        {
            await Task.Delay(100, bound.Token);
        }
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

    /// <summary>An SDK client of the first node, trusting the genesis certificates.</summary>
    internal GovChainClient Client()
    {
        var client = NodeClients.Create(Layout.ReadManifest().Departments[0].ClientUri, NodeClients.PinnedCertificates(Genesis), TimeSpan.FromSeconds(30));
        _owned.Add(client);
        return client;
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

    internal KeyPair Registrar()
    {
        var key = KeyFile.Read(RegistrarKeyFile, File.ReadAllText(RegistrarPassphraseFile).TrimEnd('\r', '\n'));
        _owned.Add(key);
        return key;
    }
}

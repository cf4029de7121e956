using System.Globalization;
using System.Net.Sockets;
using System.Text;
using GovChain.Cli.Localnet;
using GovChain.Core.Crypto;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;

namespace GovChain.Cli.Tests.Support;

/// <summary>The registry command tests share one network: xunit runs them one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RegistryNetworkCollection : ICollectionFixture<RegistryNetworkFixture>
{
    public const string Name = "registry network";
}

/// <summary>
/// A network folder written by <c>network init</c> (genesis, TLS certificates, role holders'
/// keys), its four department nodes running in this process over real TLS gRPC on loopback,
/// so the CLI talks to them exactly as to a localnet. Stops and deletes everything on dispose.
/// </summary>
public sealed class RegistryNetworkFixture : IAsyncLifetime
{
    private const int StartAttempts = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly TempFolder _temp = new();
    private readonly List<GovChainNode> _nodes = [];
    private int _keys;

    public string Root => _temp.Sub("network");

    public string Folder => _temp.Path;

    internal NetworkLayout Layout => new(Root);

    public async Task InitializeAsync()
    {
        // Ports are taken free and released before the nodes bind them: another process may take
        // one in between, so a start that fails to bind is retried with fresh ports.
        for (var attempt = 1; ; attempt++)
        {
            NetworkInitializer.Initialize(new NetworkInitRequest(Root, NetworkInitializer.DefaultDepartments, "govchain-cli-registry", 0, Force: true));
            try
            {
                foreach (var d in NetworkInitializer.DefaultDepartments)
                {
                    var options = NodeOptionsLoader.Load(Layout.ConfigFile(d), includeEnvironment: false);
                    var settings = new GovChainNodeSettings { PeerNetworkFactory = StandardNode.CreatePeerNetwork };
                    StandardNode.AddServices(settings);
                    var node = GovChainNode.Create(options, settings);
                    _nodes.Add(node);
                    await node.StartAsync();
                }

                break;
            }
            catch (Exception ex) when (attempt < StartAttempts && IsAddressInUse(ex))
            {
                await StopNodesAsync();
            }
        }

        await WaitForHeightAsync(1);
    }

    public async Task DisposeAsync()
    {
        await StopNodesAsync();
        _temp.Dispose();
    }

    /// <summary>Runs the CLI against this network (adds <c>--dir</c>).</summary>
    internal Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, "--dir", Root]);

    /// <summary>The lowest height every node has committed.</summary>
    public ulong Height => _nodes.Min(n => n.Database.Blocks.LastHeight);

    /// <summary>Waits (bounded) until every node has committed <paramref name="height"/>.</summary>
    public async Task WaitForHeightAsync(ulong height)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (Height < height)
        {
            Assert.True(DateTime.UtcNow < deadline, string.Create(CultureInfo.InvariantCulture, $"the nodes did not reach height {height} within {Bound}: at {Height}"));
            await Task.Delay(50);
        }
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

    private async Task StopNodesAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _nodes.Clear();
    }

    private static bool IsAddressInUse(Exception ex) =>
        ex is IOException or SocketException or InvalidOperationException
        && (ex.ToString().Contains("address already in use", StringComparison.OrdinalIgnoreCase) || ex.GetBaseException() is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse });
}

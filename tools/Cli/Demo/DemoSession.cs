using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Protocol;
using Spectre.Console;

namespace GovChain.Cli.Demo;

/// <summary>
/// The demo's network: a fresh folder, its four nodes as processes, a client per node and the
/// role holders' keys. Disposing stops every node it started and removes the folder (kept, with
/// the nodes' logs, when a step failed).
/// </summary>
internal sealed class DemoSession : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<string, GovChainClient> _clients = [];

    private DemoSession(NetworkLayout layout, NetworkManifest manifest, GenesisDocument genesis, X509Certificate2Collection pinned)
    {
        Layout = layout;
        Manifest = manifest;
        Genesis = genesis;
        Pinned = pinned;
    }

    public NetworkLayout Layout { get; }

    public NetworkManifest Manifest { get; }

    public GenesisDocument Genesis { get; }

    public X509Certificate2Collection Pinned { get; }

    public bool KeepFolder { get; set; }

    public string ChainId => Genesis.ChainId;

    public static async Task<DemoSession> StartAsync(CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("govchain-demo-").FullName;
        var layout = new NetworkLayout(root);
        var manifest = NetworkInitializer.Initialize(new NetworkInitRequest(root, NetworkInitializer.DefaultDepartments, "govchain-demo", 0, Force: true));
        var genesis = LocalnetOperations.LoadGenesis(layout);
        var session = new DemoSession(layout, manifest, genesis, NodeClients.PinnedCertificates(genesis));
        try
        {
            await LocalnetOperations.UpAsync(layout, line => AnsiConsole.MarkupLine($"    [grey]{Markup.Escape(line)}[/]"), cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            session.KeepFolder = true;
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public GovChainClient Client(string department)
    {
        if (!_clients.TryGetValue(department, out var client))
        {
            var d = Manifest.Departments.Single(x => x.Id == department);
            client = NodeClients.Create(d.ClientUri, Pinned, TimeSpan.FromSeconds(10));
            _clients[department] = client;
        }

        return client;
    }

    /// <summary>A role holder's key, opened with the passphrase network init wrote beside it.</summary>
    public KeyPair RoleKey(string holder)
    {
        var passphrase = File.ReadAllText(Layout.RolePassphraseFile(holder)).TrimEnd('\r', '\n');
        var key = KeyFile.Read(Layout.RoleKeyFile(holder), passphrase);
        _owned.Add(key);
        return key;
    }

    public KeyPair NewKey()
    {
        var key = KeyPair.Generate();
        _owned.Add(key);
        return key;
    }

    public TransactionSigner Signer(KeyPair key) => new(ChainId, key);

    /// <summary>Submits through <paramref name="department"/>'s node and waits for the commit; returns the result and the time it took.</summary>
    public async Task<(TransactionResult Result, double LatencyMs)> ExecuteAsync(string department, TransactionSigner signer, ContractCall call, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var result = await Client(department).ExecuteAsync(signer, call, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return (result, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>Like <see cref="ExecuteAsync"/>, and the step fails unless the call succeeded.</summary>
    public async Task<(TransactionResult Result, double LatencyMs)> ExpectOkAsync(string department, TransactionSigner signer, ContractCall call, CancellationToken cancellationToken)
    {
        var (result, latency) = await ExecuteAsync(department, signer, call, cancellationToken).ConfigureAwait(false);
        if (result.Receipt.Code != 0)
        {
            throw new CliError($"{call.Contract}.{call.Method} was refused: code {result.Receipt.Code}, {result.Receipt.Message}");
        }

        return (result, latency);
    }

    public async Task<ulong> HeightAsync(string department, CancellationToken cancellationToken) =>
        (await Client(department).GetStatusAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Height;

    /// <summary>Waits (bounded) until <paramref name="department"/>'s node has committed <paramref name="height"/>.</summary>
    public async Task<double> WaitForHeightAsync(string department, ulong height, TimeSpan bound, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (await HeightAsync(department, cancellationToken).ConfigureAwait(false) < height)
        {
            if (watch.Elapsed > bound)
            {
                throw new CliError($"{department} did not reach height {height} within {bound.TotalSeconds:0} s");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    public static string Ms(double ms) => ms.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients.Values)
        {
            c.Dispose();
        }

        _clients.Clear();
        var stopped = await LocalnetOperations.DownAsync(Layout, null).ConfigureAwait(false);
        AnsiConsole.MarkupLine($"[grey]Stopped {stopped.Count} node processes.[/]");
        foreach (var o in _owned)
        {
            o.Dispose();
        }

        if (KeepFolder)
        {
            AnsiConsole.MarkupLine($"[yellow]The network folder and the nodes' logs are kept in {Markup.Escape(Layout.Root)}[/]");
        }
        else
        {
            Directory.Delete(Layout.Root, recursive: true);
        }
    }
}

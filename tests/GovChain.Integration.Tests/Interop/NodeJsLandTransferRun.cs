using System.Globalization;
using System.Text.Json;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Integration.Tests.Support;

namespace GovChain.Integration.Tests.Interop;

/// <summary>
/// One four-department network and one run of js/land-transfer.js against it, shared by the
/// tests that examine what the script reported (the run takes the bulk of their time).
/// The script talks to the finance node only; it is handed that node's TLS certificate, the
/// genesis, and the seed of the registrar's key — what another agency would hold.
/// </summary>
public sealed class NodeJsLandTransferRun : IAsyncLifetime
{
    public const int EntryNode = 1;
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(150);
    private readonly string _inputs = Directory.CreateTempSubdirectory("govchain-nodejs-").FullName;

    internal DepartmentNetwork Network { get; } = new();

    /// <summary>The JSON object the script printed.</summary>
    public JsonElement Output { get; private set; }

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, DepartmentNetwork.Departments.Length).Select(Network.StartAsync));

        var caFile = Path.Combine(_inputs, "node.crt");
        var genesisFile = Path.Combine(_inputs, "genesis.json");
        var seedFile = Path.Combine(_inputs, "registrar.seed");
        await File.WriteAllTextAsync(caFile, Network.Certificates[EntryNode].ExportCertificatePem());
        await File.WriteAllTextAsync(genesisFile, Network.Genesis.ToJson());
        var seed = new byte[Ed25519.SeedSize];
        Network.Registrar.ExportSeed(seed);
        await File.WriteAllTextAsync(seedFile, Hex.Encode(seed));
        Array.Clear(seed);

        var port = Network.Client(EntryNode).Address.Port;
        var output = await NodeJsScript.RunAsync("land-transfer.js", new Dictionary<string, string>
        {
            ["GOVCHAIN_ADDRESS"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"),
            ["GOVCHAIN_CA_FILE"] = caFile,
            ["GOVCHAIN_GENESIS_FILE"] = genesisFile,
            ["GOVCHAIN_REGISTRAR_SEED_FILE"] = seedFile,
            ["GOVCHAIN_PROTO_ROOT"] = NodeJsScript.ProtoRoot,
            // The script's own watchdog fires first, so a stuck call is reported by the script.
            ["GOVCHAIN_SCRIPT_TIMEOUT_MS"] = ((int)(ScriptLimit - TimeSpan.FromSeconds(10)).TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        }, ScriptLimit);
        Output = JsonDocument.Parse(output).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        await Network.DisposeAsync();
        Directory.Delete(_inputs, recursive: true);
    }
}

using System.Text.Json.Nodes;
using GovChain.Cli.Tests.Support;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Tests;

/// <summary>
/// --node, --dir, --genesis and --key mean the same for every command: a department name with a
/// network folder, or an address with the genesis whose certificates it must present.
/// </summary>
[Collection(CliTestNetworkCollection.Name)]
public sealed class ConnectionOptionsTests
{
    private readonly CliTestNetwork _network;

    public ConnectionOptionsTests(CliTestNetwork network)
    {
        _network = network;
    }

    private string FinanceAddress => _network.Layout.ReadManifest().Departments.Single(d => d.Id == "finance").ClientUri.ToString();

    [Fact]
    public async Task ProofGet_DepartmentNameWithDir_FetchesAndChecksAgainstTheFoldersGenesis()
    {
        var file = _network.Scratch("conn-absent.bin");

        var run = await CliRunner.RunAsync("proof", "get", "--record", "land/parcel/CONN-NEVER", "--out", file, "--node", "finance", "--dir", _network.Root);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("PROVEN ABSENT: land/parcel/CONN-NEVER", run.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(file));
    }

    [Fact]
    public async Task ImportCsv_RoleHolderNameAndDepartmentName_RegistersTheParcel()
    {
        using var owner = KeyPair.Generate();
        var csv = _network.Scratch("conn.csv");
        File.WriteAllLines(csv, ["parcel_id,owner_public_key,area_m2,location,title_reference,description", $"CONN-1,{Hex.Encode(owner.PublicKey)},75,North,T-CONN-1,a small plot"]);

        var run = await CliRunner.RunAsync("import", "csv", csv, "--key", "registrar", "--node", "finance", "--dir", _network.Root, "-o", "json");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Equal(1, (int)JsonNode.Parse(run.Out)!["registered"]!);
    }

    [Fact]
    public async Task BlockShow_AddressWithGenesis_TrustsItsCertificatesAndNamesDepartments()
    {
        var run = await CliRunner.RunAsync("block", "show", "1", "--node", FinanceAddress, "--genesis", _network.GenesisFile, "-o", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        var proposer = (string?)JsonNode.Parse(run.Out)!["proposer"];
        Assert.Contains(proposer, _network.Genesis.Proto.Departments.Select(d => d.Id));
    }

    [Fact]
    public async Task BlockShow_AddressWithoutGenesis_RefusesTheUntrustedCertificateAsUnreachable()
    {
        var run = await CliRunner.RunAsync("block", "show", "1", "--node", FinanceAddress, "--timeout", "10");

        Assert.Equal(7, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task ProofGet_GenesisOfAnotherChain_RefusedAndNothingWritten()
    {
        var otherChain = _network.Genesis.Proto.Clone();
        otherChain.ChainId = "conn-other-chain";
        var genesisFile = _network.Scratch("conn-other-chain-genesis.json");
        File.WriteAllText(genesisFile, GenesisDocument.FromProto(otherChain).ToJson());
        var file = _network.Scratch("conn-other.bin");

        var run = await CliRunner.RunAsync("proof", "get", "--parcel", "CONN-NEVER", "--out", file, "--node", FinanceAddress, "--genesis", genesisFile);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is of chain 'govchain-cli-tests', the genesis trusted is of 'conn-other-chain'", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }
}

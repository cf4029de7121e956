using System.Text.Json.Nodes;
using GovChain.Cli.Proofs;
using GovChain.Cli.Tests.Support;
using GovChain.Protocol;
using GovChain.Tests.Fixtures;

namespace GovChain.Cli.Tests;

/// <summary>
/// 'proof verify' of proofs made after three validator key rotations (signed fixtures): proven
/// through the hops the file carries, refused when a hop is skipped or forged, and refused when
/// older than --max-age.
/// </summary>
public sealed class ProofHopsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("govchain-proof-hops-").FullName;
    private readonly HopChainFixture _chain = new();
    private readonly string _genesis;

    public ProofHopsCommandTests()
    {
        _genesis = Path.Combine(_folder, "genesis.json");
        File.WriteAllText(_genesis, _chain.Genesis.ToJson());
    }

    public void Dispose()
    {
        _chain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Verify_AfterThreeKeyRotations_IsProvenThroughTheHops_StatingHeightAndTime()
    {
        var file = Write("rotated.json", _chain.Proof);

        var json = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _genesis, "-o", "json");
        var text = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _genesis);

        Assert.True(json.ExitCode == 0, json.Out + json.Error);
        var result = JsonNode.Parse(json.Out)!;
        Assert.True((bool)result["proven"]!);
        Assert.Equal(HopChainFixture.ProofHeight, (ulong)result["height"]!);
        Assert.Equal(3, (int)result["validator_set_hops"]!);
        Assert.False((bool)result["genesis_validator_set"]!);
        Assert.StartsWith("2026-11-01T00:00:00", (string?)result["block_time"], StringComparison.Ordinal);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("at height 40 (block time 2026-11-01 00:00:00Z)", text.Out, StringComparison.Ordinal);
        Assert.Contains("through 3 certified changes", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SkippedHop_IsNotProven()
    {
        var result = await CliRunner.RunAsync("proof", "verify", Write("skipped.bin", _chain.SkippedHop()), "--genesis", _genesis);

        Assert.Equal(ExitCodesNotProven, result.ExitCode);
        Assert.Contains("NOT proven: validator-set change 2 (block 30)", result.Out, StringComparison.Ordinal);
        Assert.Contains("missing", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ForgedHop_IsNotProven()
    {
        var result = await CliRunner.RunAsync("proof", "verify", Write("forged.json", _chain.ForgedHop()), "--genesis", _genesis);

        Assert.Equal(ExitCodesNotProven, result.ExitCode);
        Assert.Contains("is not certified by the validator set before it", result.Out, StringComparison.Ordinal);
        Assert.Contains("forged", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OlderThanMaxAge_IsNotProven_WithinItIs()
    {
        var file = Write("aged.json", _chain.Proof);

        // The fixture's block is of 2026-11-01: more than a week before any run of this test.
        var old = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _genesis, "--max-age", "7d");
        var fresh = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _genesis, "--max-age", "36500d");
        var malformed = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _genesis, "--max-age", "soon");

        Assert.Equal(ExitCodesNotProven, old.ExitCode);
        Assert.Contains("NOT proven: the proof is of block 40 of 2026-11-01 00:00:00Z", old.Out, StringComparison.Ordinal);
        Assert.Contains("at most 7 days is accepted", old.Out, StringComparison.Ordinal);
        Assert.Equal(0, fresh.ExitCode);
        Assert.NotEqual(0, malformed.ExitCode);
        Assert.Contains("--max-age 'soon' is not a positive duration", malformed.Error + malformed.Out, StringComparison.Ordinal);
    }

    private const int ExitCodesNotProven = 4;

    private string Write(string name, TransactionProof proof)
    {
        var path = Path.Combine(_folder, name);
        ProofFile.Of(proof).Write(path, ProofFile.IsJsonPath(path));
        return path;
    }
}

using System.Text.Json;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Setup;
using GovChain.Tests.Fixtures;

namespace GovChain.Integration.Tests.Interop;

/// <summary>
/// The JavaScript proof check (js/chain-crypto.js checkProofHeader) walks validator-set hops as
/// the SDK does: a proof made after three key rotations, which the genesis keys alone no longer
/// vouch for, is proven; with a hop skipped, the last one left out, or one forged, it is not.
/// Signed fixtures, no network.
/// </summary>
public sealed class JsProofHopsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("govchain-js-hops-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task JsCheck_ProvesTheRotatedChainsProof_AndRefusesSkippedMissingAndForgedHops()
    {
        using var chain = new HopChainFixture();
        var cases = new Dictionary<string, Protocol.TransactionProof>
        {
            ["rotated"] = chain.Proof,
            ["skipped"] = chain.SkippedHop(),
            ["lastMissing"] = chain.MissingLastHop(),
            ["forged"] = chain.ForgedHop(),
            ["swappedSet"] = chain.SwappedSet(),
        };
        var input = new
        {
            genesis = new
            {
                chainId = chain.Genesis.ChainId,
                json = chain.Genesis.ToJson(),
                departments = chain.Genesis.Proto.Departments.Select(d => new { id = d.Id, validatorKey = Hex.Encode(d.ValidatorKey.Span), votingPower = d.VotingPower }),
            },
            cases = cases.Select(c => new { name = c.Key, proof = Hex.Encode(c.Value.ToByteArray()) }),
        };
        var file = Path.Combine(_folder, "cases.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(input));

        var output = await NodeJsScript.RunAsync("proof-hops.js", new Dictionary<string, string> { ["GOVCHAIN_PROTO_ROOT"] = NodeJsScript.ProtoRoot }, TimeSpan.FromSeconds(60), file);
        var js = JsonDocument.Parse(output).RootElement;
        var verdicts = js.GetProperty("verdicts");

        Assert.Equal(chain.Genesis.Validators.Hash.ToString(), js.GetProperty("genesisSetHash").GetString());
        Assert.Equal(chain.Genesis.Hash.ToString(), js.GetProperty("genesisHash").GetString());
        var rotated = verdicts.GetProperty("rotated");
        Assert.True(rotated.GetProperty("proven").GetBoolean(), rotated.GetProperty("problems").ToString());
        Assert.Equal(HopChainFixture.Rotations, rotated.GetProperty("hops").GetInt32());
        Assert.Equal((long)HopChainFixture.ProofHeight, rotated.GetProperty("height").GetInt64());
        Assert.Equal(HopChainFixture.ProofTime.ToUnixTimeMilliseconds(), rotated.GetProperty("timeUnixMs").GetInt64());
        Assert.Contains("missing", Refused(verdicts, "skipped"), StringComparison.Ordinal);
        Assert.Contains("missing", Refused(verdicts, "lastMissing"), StringComparison.Ordinal);
        Assert.Contains("forged", Refused(verdicts, "forged"), StringComparison.Ordinal);
        Assert.Contains("not the one its header names", Refused(verdicts, "swappedSet"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsGenesisHash_OfANetworkInitGenesis_EqualsTheNodes()
    {
        // What `govchain network init` writes: endpoints, TLS certificates, roles and consensus parameters all hashed.
        using var network = new NetworkBlueprint
        {
            ChainId = "govchain-js-genesis",
            RoleHolders = NetworkBlueprint.StandardRoleHolders(NetworkBlueprint.DefaultDepartments),
            BasePort = 47000,
            KeyCost = new KeyFile.KdfCost(1, 1UL << 20),
        }.Generate();
        var genesis = network.Genesis;
        Assert.NotEmpty(genesis.Proto.Departments[0].TlsCertificate);
        var input = new
        {
            genesis = new
            {
                chainId = genesis.ChainId,
                json = genesis.ToJson(),
                departments = genesis.Proto.Departments.Select(d => new { id = d.Id, validatorKey = Hex.Encode(d.ValidatorKey.Span), votingPower = d.VotingPower }),
            },
            cases = Array.Empty<object>(),
        };
        var file = Path.Combine(_folder, "genesis-case.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(input));

        var output = await NodeJsScript.RunAsync("proof-hops.js", new Dictionary<string, string> { ["GOVCHAIN_PROTO_ROOT"] = NodeJsScript.ProtoRoot }, TimeSpan.FromSeconds(60), file);

        Assert.Equal(genesis.Hash.ToString(), JsonDocument.Parse(output).RootElement.GetProperty("genesisHash").GetString());
    }

    private static string Refused(JsonElement verdicts, string name)
    {
        var verdict = verdicts.GetProperty(name);
        Assert.False(verdict.GetProperty("proven").GetBoolean(), name);
        return verdict.GetProperty("problems").ToString();
    }
}

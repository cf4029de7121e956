using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Cli.Commands;
using GovChain.Cli.Localnet;
using GovChain.Cli.Proofs;
using GovChain.Cli.Tests.Support;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Protocol;
using GovChain.Protocol.Land;

namespace GovChain.Cli.Tests;

/// <summary>'proof get' against four real node processes, 'proof verify' offline against the genesis file alone.</summary>
[Collection(CliTestNetworkCollection.Name)]
public sealed class ProofCommandTests
{
    private readonly CliTestNetwork _network;

    public ProofCommandTests(CliTestNetwork network)
    {
        _network = network;
    }

    [Fact]
    public async Task GetAndVerify_Transaction_ProvenWithItsReceiptHeightAndDepartments()
    {
        var (committed, _) = await RegisterAsync("PROOF-TX-1", 120);
        var txId = Hex.Encode(committed.Receipt.TxId.Span);
        var file = _network.Scratch("tx.bin");

        var get = await CliRunner.RunAsync("proof", "get", "--tx", txId, "--out", file, "--dir", _network.Root);
        Assert.True(get.ExitCode == 0, get.Error);
        Assert.Contains("(binary)", get.Out, StringComparison.Ordinal);
        Assert.Contains("PROVEN: transaction " + txId, get.Out, StringComparison.Ordinal);

        var verify = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _network.GenesisFile, "-o", "json");
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        var json = JsonNode.Parse(verify.Out)!;
        Assert.True((bool)json["proven"]!);
        Assert.Equal("transaction", (string?)json["kind"]);
        Assert.Equal(txId, (string?)json["tx_id"]);
        Assert.Equal(committed.Height, (ulong)json["height"]!);
        Assert.Equal("land", (string?)json["contract"]);
        Assert.Equal("register_parcel", (string?)json["method"]);
        Assert.Equal("PROOF-TX-1", (string?)json["arguments"]!["parcel_id"]);
        Assert.True((bool)json["receipt"]!["success"]!);
        AssertCertifiedByAQuorum(json);

        var text = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _network.GenesisFile, "--tx", txId);
        Assert.Equal(0, text.ExitCode);
        Assert.StartsWith("PROVEN: transaction " + txId, text.Out, StringComparison.Ordinal);
        Assert.Contains("land.register_parcel", text.Out, StringComparison.Ordinal);
        Assert.Matches($@"\n  height +{committed.Height}\r?\n", text.Out);
        Assert.Contains("certified by", text.Out, StringComparison.Ordinal);

        // A sound proof of something other than what the verifier asked about proves nothing about it.
        var otherTx = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _network.GenesisFile, "--tx", new string('1', 64));
        var notARecord = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _network.GenesisFile, "--parcel", "PROOF-TX-1");
        Assert.Equal(ProofCommand.ExitNotProven, otherTx.ExitCode);
        Assert.Contains("another transaction", otherTx.Out, StringComparison.Ordinal);
        Assert.Equal(ProofCommand.ExitNotProven, notARecord.ExitCode);
        Assert.Contains("proves a transaction, not a state record", notARecord.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndVerify_ParcelRecordAsJsonFile_ProvenWithOwnerAndArea()
    {
        var (committed, owner) = await RegisterAsync("PROOF-REC-1", 4321);
        var file = _network.Scratch("parcel.json");

        var get = await CliRunner.RunAsync("proof", "get", "--parcel", "PROOF-REC-1", "--out", file, "--dir", _network.Root, "-o", "json");
        Assert.True(get.ExitCode == 0, get.Error);
        Assert.Equal("json", (string?)JsonNode.Parse(get.Out)!["format"]);
        Assert.Equal("govchain-proof", (string?)JsonNode.Parse(File.ReadAllText(file))!["format"]);

        var verify = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _network.GenesisFile, "--record", "land/parcel/PROOF-REC-1", "-o", "json");
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        var json = JsonNode.Parse(verify.Out)!;
        Assert.True((bool)json["proven"]!);
        Assert.True((bool)json["exists"]!);
        Assert.Equal("land/parcel/PROOF-REC-1", (string?)json["key"]);
        Assert.Equal(Hex.Encode(owner), (string?)json["record"]!["owner"]);
        Assert.Equal("4321", json["record"]!["area_m2"]!.ToString());
        Assert.True((ulong)json["height"]! >= committed.Height);
        AssertCertifiedByAQuorum(json);

        var otherRecord = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _network.GenesisFile, "--parcel", "PROOF-REC-2");
        Assert.Equal(ProofCommand.ExitNotProven, otherRecord.ExitCode);
        Assert.StartsWith("NOT proven: ", otherRecord.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndVerify_UnregisteredParcel_ProvenAbsent()
    {
        var file = _network.Scratch("absent.bin");

        var get = await CliRunner.RunAsync("proof", "get", "--record", "land/parcel/NEVER-REGISTERED", "--out", file, "--dir", _network.Root);
        Assert.True(get.ExitCode == 0, get.Error);
        var verify = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _network.GenesisFile);

        Assert.Equal(0, verify.ExitCode);
        Assert.StartsWith("PROVEN ABSENT: land/parcel/NEVER-REGISTERED has no record", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TamperedProofs_NotProvenWithReasonAndExitCode()
    {
        var (recordFile, txFile) = await RegisterAndGetProofsAsync("PROOF-TAMPER-1", 77);
        var original = ProofFile.Read(recordFile).State!;

        // The record's area changed by a forger: the value no longer hashes to the certified state root.
        var state = ProofFile.Read(recordFile).State!;
        var parcel = Parcel.Parser.ParseFrom(state.Proof.Value);
        parcel.AreaM2 = 77_000;
        state.Proof.Value = parcel.ToByteString();
        ProofFile.Of(state).Write(recordFile, json: false);
        await AssertNotProvenAsync(recordFile, "state proof does not hold");

        // A failed transaction passed off as a success.
        var tx = ProofFile.Read(txFile).Transaction!;
        tx.Receipt.Code = 6;
        ProofFile.Of(tx).Write(txFile, json: false);
        await AssertNotProvenAsync(txFile, "receipt");

        // A forged certificate: one signature byte changed.
        var signature = original.Certificate.Signatures[0].Signature.ToByteArray();
        signature[5] ^= 0x40;
        original.Certificate.Signatures[0].Signature = ByteString.CopyFrom(signature);
        ProofFile.Of(original).Write(recordFile, json: false);
        await AssertNotProvenAsync(recordFile, "certificate");

        // Not a proof at all.
        var garbage = _network.Scratch("garbage.bin");
        File.WriteAllBytes(garbage, [.. "GOVPROOF"u8, 1, 2, 0xFF, 0xFF, 0xFF]);
        await AssertNotProvenAsync(garbage, "corrupt");
    }

    [Fact]
    public async Task Check_RealProofWithAnyByteFlipped_NeverThrowsAndProvesNothingElse()
    {
        var (stateFile, txFile) = await RegisterAndGetProofsAsync("PROOF-FUZZ-1", 31);

        foreach (var original in new[] { File.ReadAllBytes(stateFile), File.ReadAllBytes(txFile) })
        {
            var intact = ProofFile.Parse(original);
            Assert.True(ProofCheck.Run(intact, _network.Genesis).IsProven);
            Prop.ForAll(
                Gen.Choose(10, original.Length - 1).ToArbitrary(),
                Gen.Choose(1, 255).ToArbitrary(),
                (position, flip) =>
                {
                    var bytes = original.ToArray();
                    bytes[position] ^= (byte)flip;
                    ProofFile parsed;
                    try
                    {
                        parsed = ProofFile.Parse(bytes);
                    }
                    catch (ProofFileException)
                    {
                        return true;
                    }

                    // A changed proof may still be proven only when it still says exactly the same thing.
                    var check = ProofCheck.Run(parsed, _network.Genesis);
                    return !check.IsProven || parsed.Message.Equals(intact.Message);
                }).QuickCheckThrowOnFailure();
        }
    }

    [Fact]
    public async Task Verify_AgainstAnotherNetworksGenesis_NotProven()
    {
        await RegisterAsync("PROOF-GENESIS-1", 5);
        var file = _network.Scratch("genesis-check.bin");
        await GetProofAsync("--parcel", "PROOF-GENESIS-1", "--out", file);

        // Same chain id and departments, other validator keys: an impostor network.
        var impostor = _network.Genesis.Proto.Clone();
        foreach (var d in impostor.Departments)
        {
            using var key = KeyPair.Generate();
            d.ValidatorKey = ByteString.CopyFrom(key.PublicKey);
        }

        var impostorFile = _network.Scratch("impostor-genesis.json");
        File.WriteAllText(impostorFile, GenesisDocument.FromProto(impostor).ToJson());
        var otherChain = _network.Genesis.Proto.Clone();
        otherChain.ChainId = "another-chain";
        var otherChainFile = _network.Scratch("other-chain-genesis.json");
        File.WriteAllText(otherChainFile, GenesisDocument.FromProto(otherChain).ToJson());

        var wrongKeys = await CliRunner.RunAsync("proof", "verify", file, "--genesis", impostorFile);
        var wrongChain = await CliRunner.RunAsync("proof", "verify", file, "--genesis", otherChainFile, "-o", "json");

        Assert.Equal(ProofCommand.ExitNotProven, wrongKeys.ExitCode);
        Assert.StartsWith("NOT proven: ", wrongKeys.Out, StringComparison.Ordinal);
        Assert.Contains("genesis", wrongKeys.Out, StringComparison.Ordinal);
        Assert.Equal(ProofCommand.ExitNotProven, wrongChain.ExitCode);
        Assert.False((bool)JsonNode.Parse(wrongChain.Out)!["proven"]!);
        Assert.Contains("another-chain", (string?)JsonNode.Parse(wrongChain.Out)!["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_AreOneLineWithNonZeroExit()
    {
        var unknownTx = await CliRunner.RunAsync("proof", "get", "--tx", new string('0', 64), "--out", _network.Scratch("none.bin"), "--dir", _network.Root);
        var twoTargets = await CliRunner.RunAsync("proof", "get", "--tx", new string('0', 64), "--parcel", "P", "--out", "x.bin", "--dir", _network.Root);
        var missingFile = await CliRunner.RunAsync("proof", "verify", _network.Scratch("missing.bin"), "--genesis", _network.GenesisFile);
        var missingGenesis = await CliRunner.RunAsync("proof", "verify", _network.Scratch("missing.bin"), "--genesis", _network.Scratch("no-genesis.json"));
        var unreachable = await CliRunner.RunAsync("proof", "get", "--parcel", "P", "--out", "x.bin", "--node", $"https://127.0.0.1:{CliTestNetwork.ClosedLoopbackPort()}", "--genesis", _network.GenesisFile);

        Assert.NotEqual(0, unknownTx.ExitCode);
        Assert.Contains("has no proof of transaction", unknownTx.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_network.Scratch("none.bin")));
        Assert.Contains("exactly one", twoTargets.Error, StringComparison.Ordinal);
        Assert.Equal(1, missingFile.ExitCode);
        Assert.Contains("does not exist", missingFile.Error, StringComparison.Ordinal);
        Assert.Equal(1, missingGenesis.ExitCode);
        Assert.Contains("genesis file", missingGenesis.Error, StringComparison.Ordinal);
        Assert.Equal(7, unreachable.ExitCode);
        Assert.Contains("cannot reach the node", unreachable.Error, StringComparison.Ordinal);
        Assert.All([unknownTx, twoTargets, missingFile, missingGenesis, unreachable], r => Assert.Single(r.Error.Trim().Split('\n')));
    }

    [Fact]
    public async Task Help_EveryProofAndImportCommand_PrintsUsage()
    {
        foreach (var args in new[] { new[] { "proof", "--help" }, ["proof", "get", "--help"], ["proof", "verify", "--help"], ["import", "--help"], ["import", "csv", "--help"] })
        {
            var run = await CliRunner.RunAsync(args);
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("Usage:", run.Out, StringComparison.Ordinal);
        }
    }

    private static void AssertCertifiedByAQuorum(JsonNode json)
    {
        var certifiers = json["certified_by"]!.AsArray();
        Assert.InRange(certifiers.Count, 3, 4);
        Assert.All(certifiers, c =>
        {
            Assert.Contains((string?)c!["department_id"], NetworkInitializer.DefaultDepartments);
            Assert.Equal((string?)c["department_id"], (string?)c["name"]);
            Assert.Equal(10UL, (ulong)c["voting_power"]!);
        });
        Assert.Equal(40UL, (ulong)json["total_power"]!);
        Assert.Equal(10UL * (ulong)certifiers.Count, (ulong)json["signed_power"]!);
        Assert.True((bool)json["genesis_validator_set"]!);
    }

    private async Task AssertNotProvenAsync(string file, string reason)
    {
        var run = await CliRunner.RunAsync("proof", "verify", file, "--genesis", _network.GenesisFile);
        Assert.Equal(ProofCommand.ExitNotProven, run.ExitCode);
        Assert.StartsWith("NOT proven: ", run.Out, StringComparison.Ordinal);
        Assert.Contains(reason, run.Out, StringComparison.Ordinal);
    }

    /// <summary>Registers a parcel, then fetches with 'proof get' the record's proof and the registration's.</summary>
    private async Task<(string RecordFile, string TxFile)> RegisterAndGetProofsAsync(string parcelId, ulong area)
    {
        var (committed, _) = await RegisterAsync(parcelId, area);
        var recordFile = _network.Scratch(parcelId + "-record.bin");
        var txFile = _network.Scratch(parcelId + "-tx.bin");
        await GetProofAsync("--parcel", parcelId, "--out", recordFile);
        await GetProofAsync("--tx", Hex.Encode(committed.Receipt.TxId.Span), "--out", txFile);
        return (recordFile, txFile);
    }

    private async Task GetProofAsync(params string[] args)
    {
        var run = await CliRunner.RunAsync(["proof", "get", .. args, "--dir", _network.Root]);
        Assert.True(run.ExitCode == 0, $"proof get {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
    }

    private async Task<(TransactionResult Result, byte[] Owner)> RegisterAsync(string parcelId, ulong area)
    {
        var client = _network.Client();
        var registrar = _network.Registrar();
        using var owner = KeyPair.Generate();
        var call = LandRegistry.RegisterParcel(parcelId, owner.PublicKey, new byte[32], area, "Test street");
        var signer = await client.CreateSignerAsync(registrar);
        var result = await client.ExecuteAsync(signer, call);
        Assert.True(result.Receipt.Code == 0, result.Receipt.Message);
        return (result, owner.PublicKey.ToArray());
    }
}

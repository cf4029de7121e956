using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GovChain.Cli.Commands;
using GovChain.Cli.Import;
using GovChain.Cli.Tests.Support;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Protocol.Land;

namespace GovChain.Cli.Tests;

/// <summary>'import csv' against four real node processes: counts, the report, and re-runs that register nothing twice.</summary>
[Collection(CliTestNetworkCollection.Name)]
public sealed class ImportCommandTests
{
    private const string Header = "parcel_id,owner_public_key,area_m2,location,title_reference,description";
    private readonly CliTestNetwork _network;

    public ImportCommandTests(CliTestNetwork network)
    {
        _network = network;
    }

    [Fact]
    public async Task ImportCsv_GoodAndBadRows_CountsReportAndRerunRegistersNothingTwice()
    {
        using var owner = KeyPair.Generate();
        var ownerHex = Hex.Encode(owner.PublicKey);
        var client = _network.Client();

        // Registered before the import: one exactly as the export has it, one with another area.
        await RegisterDirectlyAsync(client, "IMP-SAME", owner.PublicKey.ToArray(), 500, "East", "T-SAME", "same deed");
        await RegisterDirectlyAsync(client, "IMP-OTHER", owner.PublicKey.ToArray(), 999, "East", "T-OTHER", "other deed");

        var lines = new List<string> { Header };
        for (var i = 1; i <= 6; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"IMP-{i},{ownerHex},{100 * i},\"Hill Road, lot {i}\",T-{i},\"Deed {i}\nsurveyed, fenced\""));
        }

        // Each row above spans two lines (a line break in its quoted description): these start at line 14.
        lines.Add($"IMP-SAME,{ownerHex},500,East,T-SAME,same deed");
        lines.Add($"IMP-OTHER,{ownerHex},500,East,T-OTHER,other deed");
        lines.Add($"IMP-BADKEY,{ownerHex[..10]},100,East,T,d");
        lines.Add($"IMP-ZERO,{ownerHex},0,East,T,d");
        lines.Add($"IMP-1,{ownerHex},100,East,T,duplicate of the first row");
        lines.Add($"IMP-SHORT,{ownerHex},100");
        var csv = WriteCsv("land-export.csv", lines);
        var report = _network.Scratch("land-export.report.csv");

        var first = await ImportAsync(csv, "--report", report, "--batch-size", "2", "--concurrency", "2", "-o", "json");

        Assert.True(first.ExitCode == ImportCommand.ExitRowsRejected, first.Out + first.Error);
        var summary = JsonNode.Parse(first.Out)!;
        Assert.Equal(12, (int)summary["rows_read"]!);
        Assert.Equal(6, (int)summary["registered"]!);
        Assert.Equal(1, (int)summary["already_present"]!);
        Assert.Equal(5, (int)summary["rejected"]!);
        Assert.Equal(4, (int)summary["rejected_locally"]!);
        Assert.Equal(1, (int)summary["rejected_on_chain"]!);
        Assert.Equal(0, (int)summary["not_processed"]!);

        var rejected = ReadReport(report);
        Assert.Equal(["IMP-OTHER", "IMP-BADKEY", "IMP-ZERO", "IMP-1", "IMP-SHORT"], rejected.Select(r => r.ParcelId));
        Assert.Equal([15, 16, 17, 18, 19], rejected.Select(r => r.Line));
        Assert.Contains("different area", rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("owner_public_key", rejected[1].Reason, StringComparison.Ordinal);
        Assert.Contains("area_m2", rejected[2].Reason, StringComparison.Ordinal);
        Assert.Contains("first row is line 2", rejected[3].Reason, StringComparison.Ordinal);
        Assert.Contains("3 fields", rejected[4].Reason, StringComparison.Ordinal);

        for (var i = 1; i <= 6; i++)
        {
            var parcel = (await client.QueryAsync(LandRegistry.GetParcel($"IMP-{i}"))).Value;
            Assert.Equal(ownerHex, Hex.Encode(parcel.Owner.Span));
            Assert.Equal((ulong)(100 * i), parcel.AreaM2);
            Assert.Equal($"Hill Road, lot {i}", parcel.Location);
            Assert.Equal(LandExport.DescriptionHash($"T-{i}", $"Deed {i}\nsurveyed, fenced"), parcel.DescriptionHash.ToByteArray());
            Assert.Equal(1UL, parcel.HistoryLength);
        }

        // The same file again, in text mode: everything is already there, nothing registered twice.
        var again = await ImportAsync(csv, "--report", report);

        Assert.Equal(ImportCommand.ExitRowsRejected, again.ExitCode);
        Assert.Matches(@"registered +[│|] +0 ", again.Out);
        Assert.Matches(@"already present +[│|] +7 ", again.Out);
        Assert.Matches(@"rows read +[│|] +12 ", again.Out);
        Assert.Equal(5, ReadReport(report).Count);
        var history = (await client.QueryAsync(LandRegistry.GetHistory("IMP-3"))).Value;
        Assert.Equal(1UL, history.Total);
    }

    [Fact]
    public async Task ImportCsv_InterruptedRun_RerunCompletesAndRegistersEachParcelOnce()
    {
        using var owner = KeyPair.Generate();
        var ownerHex = Hex.Encode(owner.PublicKey);
        const int Rows = 24;
        var lines = new List<string> { Header };
        lines.AddRange(Enumerable.Range(1, Rows).Select(i => $"INT-{i},{ownerHex},{i},North,T-{i},deed {i}"));
        var csv = WriteCsv("interrupted.csv", lines);

        // A first run cancelled once its first batch has settled: later batches may be submitted and still pending.
        var client = _network.Client();
        var signer = await client.CreateSignerAsync(_network.Registrar());
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var importer = new ParcelImporter(client, signer, new ImportOptions(BatchSize: 4, MaxBatchesInFlight: 2), settled =>
        {
            if (settled > 0)
            {
                stop.Cancel();
            }
        });
        var interrupted = await Record.ExceptionAsync(() => importer.RunAsync(LandExport.Load(csv).Rows, stop.Token));
        Assert.True(interrupted is OperationCanceledException or global::Grpc.Core.RpcException { StatusCode: global::Grpc.Core.StatusCode.Cancelled }, interrupted?.ToString());
        Assert.InRange(importer.Registered, 1, Rows - 1);

        var rerun = await ImportAsync(csv, "-o", "json");

        Assert.True(rerun.ExitCode == 0, rerun.Out + rerun.Error);
        var summary = JsonNode.Parse(rerun.Out)!;
        Assert.Equal(Rows, (int)summary["registered"]! + (int)summary["already_present"]!);
        Assert.True((int)summary["already_present"]! >= importer.Registered);
        Assert.Equal(0, (int)summary["rejected"]!);
        for (var i = 1; i <= Rows; i++)
        {
            var parcel = (await client.QueryAsync(LandRegistry.GetParcel($"INT-{i}"))).Value;
            Assert.Equal((ulong)i, parcel.AreaM2);
            Assert.Equal(1UL, parcel.HistoryLength);
        }
    }

    [Fact]
    public async Task ImportCsv_NonceHeldByAnotherPendingTransaction_ResyncsAndRegistersEachParcelOnce()
    {
        using var owner = KeyPair.Generate();
        var ownerHex = Hex.Encode(owner.PublicKey);
        var csv = WriteCsv("pending.csv", [Header, .. Enumerable.Range(1, 3).Select(i => $"PEND-{i},{ownerHex},{i},West,T-{i},deed {i}")]);
        var first = LandExport.Load(csv).Rows[0];

        // Another registration of PEND-1 by the same key, one nonce ahead, so it stays pending until the
        // import uses the nonce before it; the import's second transaction then finds its nonce taken.
        var client = _network.Client();
        var signer = await client.CreateSignerAsync(_network.Registrar());
        var stray = signer.Sign(LandRegistry.RegisterParcel(first.ParcelId, first.Owner, first.DescriptionHash, first.AreaM2, first.Location), signer.NextNonce + 1);
        var strayId = await client.SubmitAsync(stray);

        var run = await ImportAsync(csv, "-o", "json");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var summary = JsonNode.Parse(run.Out)!;
        Assert.Equal(3, (int)summary["registered"]!);
        Assert.Equal(0, (int)summary["rejected"]!);
        Assert.Equal((uint)GovChain.Contracts.Engine.ResultCode.AlreadyExists, (await client.WaitForTransactionAsync(strayId)).Receipt.Code);
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(1UL, (await client.QueryAsync(LandRegistry.GetParcel($"PEND-{i}"))).Value.HistoryLength);
        }
    }

    [Fact]
    public async Task Importer_LookupAnswersThatDoNotVerify_StopBeforeAnythingIsSubmitted()
    {
        // Answers checked against another network's validators cannot verify: as if the node lied.
        var impostor = _network.Genesis.Proto.Clone();
        foreach (var d in impostor.Departments)
        {
            using var key = KeyPair.Generate();
            d.ValidatorKey = Google.Protobuf.ByteString.CopyFrom(key.PublicKey);
        }

        var csv = WriteCsv("untrusted.csv", [Header, $"LIE-1,{new string('b', 64)},1,x,T,d"]);
        var client = _network.Client();
        var signer = await client.CreateSignerAsync(_network.Registrar());
        var importer = new ParcelImporter(
            client, signer, new ImportOptions(), _ => { }, new GovChain.Client.Verification.ProofVerifier(Core.Genesis.GenesisDocument.FromProto(impostor)));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => importer.RunAsync(LandExport.Load(csv).Rows, CancellationToken.None));

        Assert.Contains("does not verify against the genesis", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, importer.Registered);
        Assert.False((await client.GetStateProofAsync(StateKeys.Parcel("LIE-1"))).Proof.Exists);
    }

    [Fact]
    public async Task ImportCsv_MalformedHeader_ClearErrorAndNothingSubmitted()
    {
        var csv = WriteCsv("bad-header.csv", ["parcel,owner_public_key,area_m2,location,title_reference,description", $"HDR-1,{new string('a', 64)},1,x,T,d"]);

        var run = await ImportAsync(csv);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bad header: unknown column 'parcel'", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
        var parcel = await _network.Client().GetStateProofAsync(StateKeys.Parcel("HDR-1"));
        Assert.False(parcel.Proof.Exists);
    }

    [Fact]
    public async Task ImportCsv_MissingFileWrongPassphraseOrUnreachableNode_OneLineErrors()
    {
        var csv = WriteCsv("small.csv", [Header, $"ERR-1,{new string('a', 64)},1,x,T,d"]);
        var wrongPassphrase = _network.Scratch("wrong.pass");
        File.WriteAllText(wrongPassphrase, "not the passphrase\n");

        var missing = await CliRunner.RunAsync("import", "csv", _network.Scratch("nope.csv"), "--key", _network.RegistrarKeyFile, "--passphrase-file", _network.RegistrarPassphraseFile, "--dir", _network.Root);
        var badPass = await CliRunner.RunAsync("import", "csv", csv, "--key", _network.RegistrarKeyFile, "--passphrase-file", wrongPassphrase, "--dir", _network.Root);
        var noNode = await CliRunner.RunAsync(
            "import", "csv", csv, "--key", _network.RegistrarKeyFile, "--passphrase-file", _network.RegistrarPassphraseFile,
            "--node", $"https://127.0.0.1:{CliTestNetwork.ClosedLoopbackPort()}", "--genesis", _network.GenesisFile);

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, badPass.ExitCode);
        Assert.Contains("cannot open key file", badPass.Error, StringComparison.Ordinal);
        Assert.Equal(7, noNode.ExitCode);
        Assert.Contains("cannot reach the node", noNode.Error, StringComparison.Ordinal);
        Assert.All([missing, badPass, noNode], r => Assert.Single(r.Error.Trim().Split('\n')));
    }

    private Task<CliResult> ImportAsync(string csv, params string[] more) =>
        CliRunner.RunAsync(["import", "csv", csv, "--key", _network.RegistrarKeyFile, "--passphrase-file", _network.RegistrarPassphraseFile, "--dir", _network.Root, .. more]);

    private string WriteCsv(string name, IEnumerable<string> lines)
    {
        var path = _network.Scratch(name);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n", new UTF8Encoding(false));
        return path;
    }

    private static List<RejectedRow> ReadReport(string path)
    {
        var reader = new CsvRecordReader(new StringReader(File.ReadAllText(path)));
        Assert.Equal(ImportReportFile.Header, reader.Read()!.Fields);
        var rows = new List<RejectedRow>();
        while (reader.Read() is { IsBlank: false } record)
        {
            Assert.Null(record.Error);
            rows.Add(new RejectedRow(int.Parse(record.Fields[0], CultureInfo.InvariantCulture), record.Fields[1], record.Fields[2]));
        }

        return rows;
    }

    private async Task RegisterDirectlyAsync(GovChainClient client, string id, byte[] owner, ulong area, string location, string title, string description)
    {
        var call = LandRegistry.RegisterParcel(id, owner, LandExport.DescriptionHash(title, description), area, location);
        var signer = await client.CreateSignerAsync(_network.Registrar());
        var result = await client.ExecuteAsync(signer, call);
        Assert.True(result.Receipt.Code == 0, result.Receipt.Message);
    }
}

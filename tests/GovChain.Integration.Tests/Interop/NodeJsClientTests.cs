using System.Text.Json;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Client.Verification;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Integration.Tests.Processes;
using GovChain.Integration.Tests.Support;
using GovChain.Protocol;
using GovChain.Protocol.Land;
using Grpc.Core;
using Xunit.Abstractions;

namespace GovChain.Integration.Tests.Interop;

/// <summary>
/// The .proto files are the contract for other languages: a Node.js program that knows nothing
/// but proto/govchain/v1/*.proto, @grpc/proto-loader and @grpc/grpc-js drives a four-department
/// network through a whole land transfer and checks the proofs it fetched; this test then checks
/// what it reported against the nodes and verifies the same proof bytes with the SDK.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class NodeJsClientTests : IClassFixture<NodeJsLandTransferRun>
{
    private readonly NodeJsLandTransferRun _run;

    public NodeJsClientTests(NodeJsLandTransferRun run, ITestOutputHelper output)
    {
        _run = run;
        // What the script reported, the proofs' bytes left out.
        output.WriteLine(string.Join(", ", run.Output.GetProperty("registrationProofs").EnumerateArray().Select(p => "tree size " + p.GetProperty("treeSize"))));
        output.WriteLine(run.Output.GetProperty("steps").ToString());
        var wrongKey = run.Output.GetProperty("wrongKey");
        output.WriteLine($"wrong key: {wrongKey.GetProperty("codeName")} ({wrongKey.GetProperty("details")}), absence proof {wrongKey.GetProperty("absenceProof").GetProperty("js")}");
    }

    private DepartmentNetwork Network => _run.Network;

    [Fact]
    public async Task LandTransfer_FromNodeJsWithOnlyTheProtoFiles_IsCommittedReadBackAndProven()
    {
        var js = _run.Output;
        var parcelId = js.GetProperty("parcelId").GetString()!;
        var buyer = Hex.Decode(js.GetProperty("buyer").GetString()!);

        Assert.Equal(Network.Genesis.ChainId, js.GetProperty("chainId").GetString());
        Assert.Equal(DepartmentNetwork.Departments[1], js.GetProperty("department").GetString());
        Assert.True(js.GetProperty("codecMatchesProtoLoader").GetBoolean());

        // Every step was admitted under the id JS computed and committed with success, in order.
        var previous = 0UL;
        foreach (var step in new[] { "register", "offer", "accept", "approve" })
        {
            var s = js.GetProperty("steps").GetProperty(step);
            Assert.True(s.GetProperty("code").GetUInt32() == 0, $"{step}: {s.GetProperty("message").GetString()}");
            Assert.True(s.GetProperty("nodeTxIdMatches").GetBoolean(), step);
            var height = s.GetProperty("height").GetUInt64();
            Assert.True(height > previous, $"{step} committed at {height}, not after {previous}");
            previous = height;

            // The id JS computed names the very transaction every node stored at that height.
            var id = Hash32.FromHex(s.GetProperty("txId").GetString()!);
            await Network.WaitForHeightAsync(height, TimeSpan.FromSeconds(60));
            Assert.All(Network.Running, n => Assert.Equal(height, n.Database.Blocks.GetTransaction(id)?.Height));
        }

        // What JS read back is what the SDK reads from another department's node.
        var parcel = js.GetProperty("parcel");
        Assert.Equal(Hex.Encode(buyer), parcel.GetProperty("owner").GetString());
        Assert.False(parcel.GetProperty("offerPending").GetBoolean());
        Assert.Equal(750UL, parcel.GetProperty("areaM2").GetUInt64());
        Assert.Equal(4UL, parcel.GetProperty("historyLength").GetUInt64());
        var sdkRead = await Network.Client(3).QueryAsync(LandRegistry.GetParcel(parcelId));
        Assert.Equal(buyer, sdkRead.Value.Owner.ToByteArray());

        // The proofs JS fetched and checked itself, and the same bytes verified by the SDK against the genesis alone.
        var verifier = new ProofVerifier(Network.Genesis);
        AssertTransactionProven(verifier, js.GetProperty("transactionProof"), js.GetProperty("steps").GetProperty("approve"), LandRegistry.Methods.ApproveTransfer);
        var registrations = js.GetProperty("registrations").EnumerateArray().ToList();
        var registrationProofs = js.GetProperty("registrationProofs").EnumerateArray().ToList();
        Assert.Equal(4, registrations.Count);
        Assert.Equal(registrations.Count, registrationProofs.Count);
        for (var i = 0; i < registrations.Count; i++)
        {
            Assert.True(registrations[i].GetProperty("code").GetUInt32() == 0, registrations[i].GetProperty("message").GetString());
            Assert.True(registrations[i].GetProperty("nodeTxIdMatches").GetBoolean());
            AssertTransactionProven(verifier, registrationProofs[i], registrations[i], LandRegistry.Methods.RegisterParcel);
        }

        AssertJsHeaderCheck(js.GetProperty("stateProof").GetProperty("js"));
        var stateChecks = js.GetProperty("stateProof").GetProperty("js");
        foreach (var check in new[] { "heightMatches", "pathVerifies", "forgedValueRefused", "valueIsParcel" })
        {
            Assert.True(stateChecks.GetProperty(check).GetBoolean(), check);
        }

        var stateProof = CertifiedStateProof.Parser.ParseFrom(Base64(js, "stateProof"));
        var stateVerified = verifier.VerifyState(stateProof, StateKeys.Parcel(parcelId));
        Assert.True(stateVerified.IsProven, stateVerified.Problem);
        Assert.True(stateVerified.Exists);
        Assert.Equal(buyer, Parcel.Parser.ParseFrom(stateVerified.Value).Owner.ToByteArray());
        Assert.Equal(stateVerified.Header!.BlockHash.ToString(), stateChecks.GetProperty("header").GetProperty("blockHash").GetString());
    }

    [Fact]
    public async Task WrongKeySignature_FromNodeJs_IsRefusedWithInvalidArgument_AndChangesNothing()
    {
        var js = _run.Output;
        var wrongKey = js.GetProperty("wrongKey");

        Assert.False(wrongKey.GetProperty("accepted").GetBoolean());
        Assert.Equal((int)StatusCode.InvalidArgument, wrongKey.GetProperty("code").GetInt32());
        Assert.Equal("INVALID_ARGUMENT", wrongKey.GetProperty("codeName").GetString());
        Assert.Contains("signature", wrongKey.GetProperty("details").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(string.Empty, wrongKey.GetProperty("admission").GetString());

        // Refused at the door: no parcel, no nonce used, no transaction on any node.
        Assert.Equal((int)StatusCode.NotFound, wrongKey.GetProperty("parcelQueryCode").GetInt32());
        Assert.Equal(wrongKey.GetProperty("nonceBefore").GetUInt64(), wrongKey.GetProperty("nonceAfter").GetUInt64());
        var forgedId = Hash32.FromHex(wrongKey.GetProperty("txId").GetString()!);
        Assert.All(Network.Running, n => Assert.Null(n.Database.Blocks.GetTransaction(forgedId)));
        Assert.Null(await Network.Client(0).GetTransactionAsync(forgedId));

        // ... and the absence of the parcel is proven, in JS and by the SDK from the same bytes.
        var absence = wrongKey.GetProperty("absenceProof");
        var checks = absence.GetProperty("js");
        AssertJsHeaderCheck(checks);
        Assert.False(checks.GetProperty("exists").GetBoolean());
        foreach (var check in new[] { "heightMatches", "absenceVerifies", "claimedValueRefused" })
        {
            Assert.True(checks.GetProperty(check).GetBoolean(), check);
        }

        var proof = CertifiedStateProof.Parser.ParseFrom(Convert.FromBase64String(absence.GetProperty("base64").GetString()!));
        var verified = new ProofVerifier(Network.Genesis).VerifyState(proof, StateKeys.Parcel(wrongKey.GetProperty("parcelId").GetString()!));
        Assert.True(verified.IsProven, verified.Problem);
        Assert.False(verified.Exists);
        Assert.Equal(verified.Header!.BlockHash.ToString(), checks.GetProperty("header").GetProperty("blockHash").GetString());
    }

    private static void AssertTransactionProven(ProofVerifier verifier, JsonElement proof, JsonElement step, string method)
    {
        var checks = proof.GetProperty("js");
        AssertJsHeaderCheck(checks);
        foreach (var check in new[] { "txIdMatches", "signatureVerifies", "receiptMatches", "txIncluded", "receiptIncluded" })
        {
            Assert.True(checks.GetProperty(check).GetBoolean(), $"{method}: {check}");
        }

        Assert.Equal($"{LandRegistry.Contract}.{method}", checks.GetProperty("method").GetString());

        var id = Hash32.FromHex(step.GetProperty("txId").GetString()!);
        var parsed = TransactionProof.Parser.ParseFrom(Convert.FromBase64String(proof.GetProperty("base64").GetString()!));
        Assert.Equal(id, parsed.Transaction.Id());
        var verified = verifier.VerifyTransaction(parsed, id);
        Assert.True(verified.IsProven, verified.Problem);
        Assert.Equal(method, verified.Method);
        Assert.Equal(step.GetProperty("height").GetUInt64(), verified.Header!.Height);
        Assert.Equal(step.GetProperty("index").GetUInt32(), verified.Index);
        Assert.Equal(parsed.TxInclusion.TreeSize, proof.GetProperty("treeSize").GetUInt64());
        Assert.Equal(verified.Header.BlockHash.ToString(), checks.GetProperty("header").GetProperty("blockHash").GetString());
    }

    private static void AssertJsHeaderCheck(JsonElement checks)
    {
        var header = checks.GetProperty("header");
        var problems = string.Join("; ", header.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
        Assert.True(header.GetProperty("ok").GetBoolean(), problems);
        var signed = header.GetProperty("signedPower").GetUInt64();
        var total = header.GetProperty("totalPower").GetUInt64();
        Assert.Equal(40UL, total);
        Assert.True(signed * 3 > total * 2, $"{signed} of {total}");
        Assert.True(header.GetProperty("validSignatures").GetInt32() >= 3);
    }

    private static byte[] Base64(JsonElement js, string proof) =>
        Convert.FromBase64String(js.GetProperty(proof).GetProperty("base64").GetString()!);
}

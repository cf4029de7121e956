using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Client.Registries;
using GovChain.Grpc.ClientApi;

namespace GovChain.Client.Tests;

/// <summary>
/// The SDK's registry classes are thin facades over the one set of builders in Core, which the
/// engine uses too; these tests hold the facades to that set and to the documented formats.
/// </summary>
public sealed class CatalogTests
{
    [Fact]
    public void RegistryCatalog_MatchesTheEnginesCatalogMethodForMethod()
    {
        var sdk = RegistryCatalog.All.Select(m => (m.Contract, m.Method, m.IsQuery, m.Args.FullName)).Order().ToList();
        var engine = ContractCatalog.All.Select(m => (m.Contract, m.Method, m.IsQuery, m.Args.FullName)).Order().ToList();

        Assert.Equal(engine, sdk);
        Assert.Equal(36, sdk.Count);
    }

    [Theory]
    [InlineData(typeof(LandRegistry))]
    [InlineData(typeof(IdentityRegistry))]
    [InlineData(typeof(ProcurementRegistry))]
    [InlineData(typeof(RecordRegistry))]
    [InlineData(typeof(Governance))]
    public void FacadeMethods_NameEveryMethodOfItsContractInTheCatalog(Type facade)
    {
        var contract = (string)facade.GetField("Contract")!.GetValue(null)!;
        var methods = facade.GetNestedType("Methods")!.GetFields().Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal);
        var catalogued = ContractCatalog.All.Where(m => m.Contract == contract).Select(m => m.Method).Order(StringComparer.Ordinal);

        Assert.Contains(contract, ContractNames.All);
        Assert.Equal(catalogued, methods);
    }

    [Fact]
    public void FacadeBuilders_ForwardEveryArgumentToTheEnginesBuilders()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var other = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var pairs = new (ContractCall Sdk, ContractCall Engine)[]
        {
            (LandRegistry.RegisterParcel("P-1", key, other, 640, "north"), LandCalls.RegisterParcel("P-1", key, other, 640, "north")),
            (LandRegistry.OfferTransfer("P-1", key, 5), LandCalls.OfferTransfer("P-1", key, 5)),
            (LandRegistry.RegisterLien("P-1", "L-1", 9), LandCalls.RegisterLien("P-1", "L-1", 9)),
            (IdentityRegistry.IssueCredential("C-1", "diploma", key, other, 3, 9), IdentityCalls.IssueCredential("C-1", "diploma", key, other, 3, 9)),
            (ProcurementRegistry.PublishTender("T-1", "Bridge", key, 10, 20, ProcurementRegistry.Milestone("half", 5000)),
                ProcurementCalls.PublishTender("T-1", "Bridge", key, 10, 20, ProcurementCalls.Milestone("half", 5000))),
            (ProcurementRegistry.SubmitBid("T-1", key, 1000, other), ProcurementCalls.SubmitBid("T-1", key, 1000, other)),
            (ProcurementRegistry.ApproveMilestone("T-1", 2, other), ProcurementCalls.ApproveMilestone("T-1", 2, other)),
            (RecordRegistry.Apply("licence", "L-7", "issue", RecordRegistry.Text("holder", "x"), RecordRegistry.Number("n", 4)),
                RegistryCalls.Apply("licence", "L-7", "issue", RegistryCalls.Text("holder", "x"), RegistryCalls.Number("n", 4))),
            (Governance.Propose("finance", Governance.GrantRole(Roles.Auditor, key, "finance"), "audit", 7),
                SystemCalls.Propose("finance", SystemCalls.GrantRole(Roles.Auditor, key, "finance"), "audit", 7)),
            (Governance.Approve(4, "finance"), SystemCalls.Approve(4, "finance")),
        };

        foreach (var (sdk, engine) in pairs)
        {
            Assert.Equal(engine, sdk);
            Assert.Equal(engine.Args.ToByteString(), sdk.Args.ToByteString());
        }
    }

    [Fact]
    public void FacadeQueries_CarryTheResultParserOfTheCataloguedResult()
    {
        var key = new byte[32];
        ContractQuery[] queries =
        [
            LandRegistry.GetParcel("P-1"), LandRegistry.GetHistory("P-1", 2, 5), IdentityRegistry.GetIdentity(key),
            IdentityRegistry.VerifyCredential("C-1", 9, key), ProcurementRegistry.GetBid("T-1", key), RecordRegistry.GetRecord("licence", "L-1"),
            Governance.HasRole(Roles.Auditor, key), Governance.GetValidators(),
        ];

        foreach (var query in queries)
        {
            var method = ContractCatalog.Find(query.Contract, query.Method);
            Assert.NotNull(method);
            Assert.True(method.IsQuery);
            Assert.Equal(method.Args, query.Args.Descriptor);
            var parser = query.GetType().GetProperty("ResultParser")!.GetValue(query)!;
            var parsed = (IMessage)parser.GetType().GetMethod("ParseFrom", [typeof(byte[])])!.Invoke(parser, [Array.Empty<byte>()])!;
            Assert.Equal(method.Result, parsed.Descriptor);
        }
    }

    [Fact]
    public void BidCommitment_IsTheDocumentedHashOfTenderBidderAmountAndSalt()
    {
        Prop.ForAll(
                Gen.Elements("T-1", "tender-2026-001", "Ω").ToArbitrary(),
                ArbMap.Default.ArbFor<ulong>(),
                ArbMap.Default.ArbFor<byte[]>(),
                (tender, amount, salt) =>
                {
                    var bidder = new byte[32];
                    bidder[0] = (byte)salt.Length;
                    var id = System.Text.Encoding.UTF8.GetBytes(tender);
                    var amountBytes = BitConverter.GetBytes(amount);
                    var idLength = BitConverter.GetBytes((uint)id.Length);
                    if (BitConverter.IsLittleEndian)
                    {
                        Array.Reverse(amountBytes);
                        Array.Reverse(idLength);
                    }

                    byte[] preimage = [.. "govchain.bid.v1"u8, .. idLength, .. id, .. bidder, .. amountBytes, .. salt];
                    var expected = System.Security.Cryptography.SHA256.HashData(preimage);
                    return BidCommitment.Compute(tender, bidder, amount, salt).AsSpan().SequenceEqual(expected)
                        && ProcurementRegistry.SubmitBid(tender, bidder, amount, salt).Args is Protocol.Procurement.SubmitBidArgs args
                        && args.Commitment.Span.SequenceEqual(expected);
                })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void StateKeys_AreTheKeysTheContractsWrite()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        var hex = Convert.ToHexStringLower(key);
        var expected = new (byte[] Sdk, string Path)[]
        {
            (StateKeys.Parcel("P-1"), "land/parcel/P-1"),
            (StateKeys.ParcelHistory("P-1", 12), "land/history/P-1/00000000000000000012"),
            (StateKeys.Identity(key), "identity/id/" + hex),
            (StateKeys.Credential("C-1"), "identity/cred/C-1"),
            (StateKeys.CredentialsOf(key), "identity/subject/" + hex),
            (StateKeys.Tender("T-1"), "procurement/tender/T-1"),
            (StateKeys.Bid("T-1", key), "procurement/bid/T-1/" + hex),
            (StateKeys.RegistryRecord("licence", "L-1"), "registry/record/licence/L-1"),
            (StateKeys.RegistryType("licence"), "registry/type/licence"),
            (StateKeys.Department("finance"), "system/department/finance"),
            (StateKeys.RoleGrant(Roles.Auditor, key), "system/grant/auditor/" + hex),
            (StateKeys.Proposal(3), "system/proposal/00000000000000000003"),
            (StateKeys.Nonce(key), "nonce/" + hex),
        };

        foreach (var (sdk, path) in expected)
        {
            Assert.Equal(path, System.Text.Encoding.UTF8.GetString(sdk));
        }
    }
}

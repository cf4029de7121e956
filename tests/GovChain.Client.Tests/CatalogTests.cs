using FsCheck;
using Google.Protobuf;
using FsCheck.Fluent;
using GovChain.Client.Registries;
using GovChain.Contracts;
using GovChain.Contracts.Procurement;
using GovChain.Node.Api;

namespace GovChain.Client.Tests;

/// <summary>The SDK keeps its own names (it may not reference the engine); these tests hold them to the engine's.</summary>
public sealed class CatalogTests
{
    [Fact]
    public void RegistryCatalog_MatchesTheEnginesCatalogMethodForMethod()
    {
        var sdk = RegistryCatalog.All.Select(m => (m.Contract, m.Method, m.IsQuery, m.Args.FullName)).Order().ToList();
        var engine = ContractCatalog.All.Select(m => (m.Contract, m.Method, m.IsQuery, m.Args.FullName)).Order().ToList();

        Assert.Equal(engine, sdk);
    }

    [Fact]
    public void ContractNames_MatchTheEngine()
    {
        Assert.Equal(
            ContractNames.All.Order(StringComparer.Ordinal),
            new[] { LandRegistry.Contract, IdentityRegistry.Contract, ProcurementRegistry.Contract, RecordRegistry.Contract, Governance.Contract }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Builders_EncodeTheSameArgumentsAsTheEnginesBuilders()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var pairs = new (Client.ContractCall Sdk, Contracts.ContractCall Engine)[]
        {
            (LandRegistry.RegisterParcel("P-1", key, key, 640, "north"), LandCalls.RegisterParcel("P-1", key, key, 640, "north")),
            (LandRegistry.OfferTransfer("P-1", key, 5), LandCalls.OfferTransfer("P-1", key, 5)),
            (LandRegistry.RegisterLien("P-1", "L-1", 9), LandCalls.RegisterLien("P-1", "L-1", 9)),
            (IdentityRegistry.IssueCredential("C-1", "diploma", key, key, 3, 9), IdentityCalls.IssueCredential("C-1", "diploma", key, key, 3, 9)),
            (ProcurementRegistry.PublishTender("T-1", "Bridge", key, 10, 20, ProcurementRegistry.Milestone("half", 5000)),
                ProcurementCalls.PublishTender("T-1", "Bridge", key, 10, 20, ProcurementCalls.Milestone("half", 5000))),
            (ProcurementRegistry.SubmitBid("T-1", key, 1000, key), ProcurementCalls.SubmitBid("T-1", key, 1000, key)),
            (RecordRegistry.Apply("licence", "L-7", "issue", RecordRegistry.Text("holder", "x")), RegistryCalls.Apply("licence", "L-7", "issue", RegistryCalls.Text("holder", "x"))),
            (Governance.Approve(4, "finance"), SystemCalls.Approve(4, "finance")),
        };

        foreach (var (sdk, engine) in pairs)
        {
            Assert.Equal(engine.Contract, sdk.Contract);
            Assert.Equal(engine.Method, sdk.Method);
            Assert.Equal(engine.Args.ToByteString(), sdk.Args.ToByteString());
        }
    }

    [Fact]
    public void BidCommitment_EqualsTheEnginesCommitment()
    {
        Prop.ForAll(
                Gen.Elements("T-1", "tender-2026-001", "Ω").ToArbitrary(),
                ArbMap.Default.ArbFor<ulong>(),
                ArbMap.Default.ArbFor<byte[]>(),
                (tender, amount, salt) =>
                {
                    var bidder = new byte[32];
                    bidder[0] = (byte)salt.Length;
                    return BidCommitment.Compute(tender, bidder, amount, salt).AsSpan()
                        .SequenceEqual(BidCommitments.Compute(tender, bidder, amount, salt));
                })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ClientApiMethods_CoverEveryRpcOfClientProto_WithItsCallKind()
    {
        var service = GovChain.Protocol.ClientReflection.Descriptor.Services.Single(s => s.Name == "Client");
        var expected = service.Methods
            .Select(m => $"/{service.FullName}/{m.Name}:{Kind(m.IsClientStreaming, m.IsServerStreaming)}")
            .Order(StringComparer.Ordinal);
        var declared = typeof(GovChain.Rpc.Services.ClientApiMethods).GetFields()
            .Where(f => f.IsStatic && f.FieldType.IsGenericType)
            .Select(f => (Rpc.IMethod)f.GetValue(null)!)
            .Select(m => $"{m.FullName}:{m.Type}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, declared);

        static Rpc.MethodType Kind(bool clientStreaming, bool serverStreaming) => (clientStreaming, serverStreaming) switch
        {
            (false, false) => Rpc.MethodType.Unary,
            (true, false) => Rpc.MethodType.ClientStreaming,
            (false, true) => Rpc.MethodType.ServerStreaming,
            _ => Rpc.MethodType.DuplexStreaming,
        };
    }
}

using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Client.Registries;
using GovChain.Protocol.Land;
using GovChain.Protocol.Procurement;

namespace GovChain.Cli.Tests;

/// <summary>The JSON form of registry arguments and answers: hex bytes, snake_case names, bounded, strict.</summary>
public sealed class ProtoJsonTests
{
    [Fact]
    public void ToJsonThenParse_AnyParcelArguments_RoundTrips()
    {
        Prop.ForAll<NonNull<string>, byte[], ulong>((id, owner, area) =>
        {
            var args = new RegisterParcelArgs
            {
                ParcelId = id.Get,
                Owner = ByteString.CopyFrom(owner ?? []),
                DescriptionHash = ByteString.CopyFrom(owner ?? []),
                AreaM2 = area,
                Location = id.Get,
            };
            var parsed = ProtoJson.Parse(RegisterParcelArgs.Descriptor, ProtoJson.ToJson(args).ToJsonString());
            return parsed.Equals(args);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ToJsonThenParse_NestedRepeatedMessages_RoundTrips()
    {
        Prop.ForAll<NonNull<string>, uint, ulong>((title, share, deadline) =>
        {
            var args = new PublishTenderArgs { TenderId = "T-1", Title = title.Get, BidDeadlineHeight = deadline, RevealDeadlineHeight = deadline / 2 };
            args.Milestones.Add(new TenderMilestoneSpec { Description = title.Get, ShareBasisPoints = share });
            args.Milestones.Add(new TenderMilestoneSpec { Description = "rest", ShareBasisPoints = share / 3 });
            var parsed = ProtoJson.Parse(PublishTenderArgs.Descriptor, ProtoJson.ToJson(args).ToJsonString());
            return parsed.Equals(args);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ToJson_Enum_PrintsItsProtoName()
    {
        var entry = new ParcelHistoryEntry { Kind = ParcelHistoryKind.LienReleased, Actor = ByteString.CopyFrom(0xab, 0x01) };

        var json = ProtoJson.ToJson(entry);

        Assert.Equal("PARCEL_HISTORY_KIND_LIEN_RELEASED", (string?)json["kind"]);
        Assert.Equal("ab01", (string?)json["actor"]);
        Assert.Equal(ParcelHistoryKind.LienReleased, ((ParcelHistoryEntry)ProtoJson.Parse(ParcelHistoryEntry.Descriptor, json.ToJsonString())).Kind);
    }

    [Fact]
    public void Parse_NumbersAsStringsAndCamelCaseNames_AreAccepted()
    {
        var parsed = (OfferTransferArgs)ProtoJson.Parse(OfferTransferArgs.Descriptor, """{"parcelId":"P-1","price":"18446744073709551615","buyer":"00ff"}""");

        Assert.Equal("P-1", parsed.ParcelId);
        Assert.Equal(ulong.MaxValue, parsed.Price);
        Assert.Equal(new byte[] { 0x00, 0xff }, parsed.Buyer.ToByteArray());
    }

    [Theory]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{"price": 18446744073709551616}""", "is not a valid uint64")]
    [InlineData("""{"price": 1.5}""", "is not a valid uint64")]
    [InlineData("""{"price": true}""", "expected a number")]
    [InlineData("""{"buyer": "abc"}""", "expected hex bytes")]
    [InlineData("""{"parcel_id": ["a"]}""", "expected a string")]
    [InlineData("""{"seller": "x"}""", "no field 'seller'")]
    public void Parse_BadValue_ThrowsCliErrorNamingTheField(string json, string expected)
    {
        var error = Assert.Throws<CliError>(() => ProtoJson.Parse(OfferTransferArgs.Descriptor, json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.ExitCode);
    }

    [Fact]
    public void Parse_OversizedOrDeepInput_IsRefused()
    {
        Assert.Throws<CliError>(() => ProtoJson.Parse(OfferTransferArgs.Descriptor, "{\"parcel_id\":\"" + new string('x', ProtoJson.MaxInputChars) + "\"}"));
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        Assert.Throws<CliError>(() => ProtoJson.Parse(OfferTransferArgs.Descriptor, deep));
    }

    [Fact]
    public void QueryResultTypes_EveryCatalogueQuery_HasAResultType()
    {
        var queries = RegistryCatalog.All.Where(m => m.IsQuery).ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries, q => Assert.NotNull(QueryResultTypes.Find(q.Contract, q.Method)));
        Assert.Equal(Parcel.Descriptor, QueryResultTypes.Find("land", "get_parcel"));
        Assert.Null(QueryResultTypes.Find("land", "register_parcel"));
    }
}

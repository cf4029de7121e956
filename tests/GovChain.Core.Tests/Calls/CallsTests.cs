using System.Text;
using FsCheck;
using Google.Protobuf;
using FsCheck.Fluent;
using GovChain.Core.Transactions;
using GovChain.Protocol.Land;

namespace GovChain.Core.Tests.Calls;

public class CallsTests
{
    [Fact]
    public void Sign_Call_VerifiesAndCarriesContractMethodAndArguments()
    {
        using var key = TestKeys.Key(0);
        using var buyer = TestKeys.Key(1);
        var call = LandCalls.OfferTransfer("LR-0042", buyer.PublicKey, 250_000);

        var tx = call.Sign(TestKeys.ChainId, key, nonce: 7, maxSteps: 1000, memo: "deed 17");

        Assert.True(TransactionVerifier.TryVerify(tx, TestKeys.ChainId, 64 * 1024, out var verified, out var error, out _));
        Assert.Equal(TransactionError.None, error);
        Assert.Equal(ContractNames.Land, verified!.Body.Contract);
        Assert.Equal(LandMethods.OfferTransfer, verified.Body.Method);
        Assert.Equal(7UL, verified.Nonce);
        Assert.Equal("deed 17", verified.Body.Memo);
        var args = OfferTransferArgs.Parser.ParseFrom(verified.Body.Args);
        Assert.Equal("LR-0042", args.ParcelId);
        Assert.Equal(250_000UL, args.Price);
        Assert.True(args.Buyer.Span.SequenceEqual(buyer.PublicKey));
    }

    [Fact]
    public void Catalog_EveryMethodIsFoundByNameAndQueriesNameTheirResult()
    {
        foreach (var method in ContractCatalog.All)
        {
            Assert.Same(method, ContractCatalog.Find(method.Contract, method.Method));
            Assert.Contains(method.Contract, ContractNames.All);
            Assert.True(!method.IsQuery || method.Result is not null, $"{method.Contract}.{method.Method} returns nothing");
        }

        Assert.Null(ContractCatalog.Find(ContractNames.Land, "no_such_method"));
    }

    [Fact]
    public void Query_CarriesTheParserOfItsResult()
    {
        var query = LandCalls.GetParcel("LR-1");
        var parcel = new Parcel { Id = "LR-1", AreaM2 = 640 };

        Assert.Equal(parcel, query.ResultParser.ParseFrom(parcel.ToByteArray()));
        Assert.Equal(new GetParcelArgs { ParcelId = "LR-1" }.ToByteString(), query.EncodedArgs);
    }

    [Fact]
    public void ParcelHistory_KeysSortInSequenceOrder()
    {
        Prop.ForAll<ulong, ulong>((a, b) =>
            {
                var order = Math.Sign(a.CompareTo(b));
                var keys = Math.Sign(RecordKeys.ParcelHistory("LR-1", a).AsSpan().SequenceCompareTo(RecordKeys.ParcelHistory("LR-1", b)));
                return order == keys;
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void RecordKeys_AreReadablePathsWithLowerCaseHexKeys()
    {
        var key = new byte[] { 0xAB, 0x01, 0xFF };

        Assert.Equal("identity/id/ab01ff", Encoding.UTF8.GetString(RecordKeys.Identity(key)));
        Assert.Equal("procurement/bid/T-9/ab01ff", Encoding.UTF8.GetString(RecordKeys.Bid("T-9", key)));
        Assert.Equal("system/proposal/00000000000000000042", Encoding.UTF8.GetString(RecordKeys.Proposal(42)));
        Assert.Equal("system/validator_change", Encoding.UTF8.GetString(RecordKeys.ValidatorChange()));
        Assert.Throws<ArgumentNullException>(() => RecordKeys.Parcel(null!));
    }
}

using GovChain.Contracts.Engine;
using GovChain.Contracts.Tests.Support;
using GovChain.Core.Crypto;
using GovChain.Protocol.Land;

namespace GovChain.Contracts.Tests;

public sealed class LandContractTests : IDisposable
{
    private static readonly byte[] Deed = Enumerable.Repeat((byte)0xD1, 32).ToArray();
    private readonly TestChain _chain = new();
    private readonly KeyPair _alice;
    private readonly KeyPair _bob;
    private readonly KeyPair _carol;

    public LandContractTests()
    {
        _alice = _chain.Key(10);
        _bob = _chain.Key(11);
        _carol = _chain.Key(12);
        _chain.Ok(_chain.Registrar, LandCalls.RegisterParcel("LOT-7", _alice.PublicKey, Deed, 1200, "North 3"));
    }

    public void Dispose() => _chain.Dispose();

    private Parcel Parcel(string id = "LOT-7") => _chain.Query(LandCalls.GetParcel(id), Protocol.Land.Parcel.Parser);

    [Fact]
    public void Transfer_OfferAcceptApprove_MovesOwnershipAndRecordsHistory()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 250_000));
        Assert.True(Parcel().Owner.Span.SequenceEqual(_alice.PublicKey));
        _chain.Ok(_bob, LandCalls.AcceptTransfer("LOT-7"));
        Assert.True(Parcel().Owner.Span.SequenceEqual(_alice.PublicKey));
        var approve = _chain.Ok(_chain.Registrar, LandCalls.ApproveTransfer("LOT-7"));

        var parcel = Parcel();
        Assert.True(parcel.Owner.Span.SequenceEqual(_bob.PublicKey));
        Assert.Null(parcel.Offer);
        Assert.Equal("parcel_transferred", Assert.Single(approve.Events).Name);
        var history = _chain.Query(LandCalls.GetHistory("LOT-7"), ParcelHistoryPage.Parser);
        Assert.Equal(4ul, history.Total);
        Assert.Equal(
            [ParcelHistoryKind.Registered, ParcelHistoryKind.TransferOffered, ParcelHistoryKind.TransferAccepted, ParcelHistoryKind.Transferred],
            history.Entries.Select(e => e.Kind));
        var last = history.Entries[3];
        Assert.True(last.FromOwner.Span.SequenceEqual(_alice.PublicKey));
        Assert.True(last.ToOwner.Span.SequenceEqual(_bob.PublicKey));
        Assert.Equal(approve.TxId, last.TxId);
        Assert.Equal("250000", last.Detail);
        Assert.Equal(1_700_000_000_000 + ((long)approve.Height * 1000), last.TimeUnixMs);

        _chain.AssertReplayIsIdentical();
    }

    [Fact]
    public void GetHistory_Paging_ReturnsTheRequestedSlice()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));
        _chain.Ok(_alice, LandCalls.CancelTransfer("LOT-7"));

        var page = _chain.Query(LandCalls.GetHistory("LOT-7", start: 1, limit: 1), ParcelHistoryPage.Parser);

        Assert.Equal(3ul, page.Total);
        Assert.Equal(ParcelHistoryKind.TransferOffered, Assert.Single(page.Entries).Kind);
        Assert.Equal(1ul, page.Entries[0].Sequence);
    }

    [Fact]
    public void RegisterParcel_WithoutRegistrarRole_IsUnauthorized()
    {
        _chain.Fails(ResultCode.Unauthorized, _alice, LandCalls.RegisterParcel("LOT-8", _alice.PublicKey, Deed, 1));
    }

    [Fact]
    public void RegisterParcel_Twice_IsAlreadyExists()
    {
        _chain.Fails(ResultCode.AlreadyExists, _chain.Registrar, LandCalls.RegisterParcel("LOT-7", _bob.PublicKey, Deed, 1));
        Assert.True(Parcel().Owner.Span.SequenceEqual(_alice.PublicKey));
    }

    [Fact]
    public void RegisterParcel_BadIdOrHash_IsInvalidArgument()
    {
        _chain.Fails(ResultCode.InvalidArgument, _chain.Registrar, LandCalls.RegisterParcel("lot/../x", _alice.PublicKey, Deed, 1));
        _chain.Fails(ResultCode.InvalidArgument, _chain.Registrar, LandCalls.RegisterParcel("LOT-9", _alice.PublicKey, Deed.AsSpan(0, 31), 1));
    }

    [Fact]
    public void OfferTransfer_ByNonOwner_IsUnauthorized()
    {
        _chain.Fails(ResultCode.Unauthorized, _carol, LandCalls.OfferTransfer("LOT-7", _carol.PublicKey, 1));
        _chain.Fails(ResultCode.Unauthorized, _chain.Registrar, LandCalls.OfferTransfer("LOT-7", _carol.PublicKey, 1));
    }

    [Fact]
    public void AcceptTransfer_ByOtherThanBuyer_IsUnauthorized()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));

        _chain.Fails(ResultCode.Unauthorized, _carol, LandCalls.AcceptTransfer("LOT-7"));
    }

    [Fact]
    public void ApproveTransfer_BeforeBuyerAccepts_IsInvalidState()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));

        _chain.Fails(ResultCode.InvalidState, _chain.Registrar, LandCalls.ApproveTransfer("LOT-7"));
    }

    [Fact]
    public void ApproveTransfer_ByNonRegistrar_IsUnauthorized()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));
        _chain.Ok(_bob, LandCalls.AcceptTransfer("LOT-7"));

        _chain.Fails(ResultCode.Unauthorized, _bob, LandCalls.ApproveTransfer("LOT-7"));
        _chain.Fails(ResultCode.Unauthorized, _alice, LandCalls.ApproveTransfer("LOT-7"));
    }

    [Fact]
    public void DoubleTransfer_SecondOfferWhilePending_IsRefused()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));

        _chain.Fails(ResultCode.InvalidState, _alice, LandCalls.OfferTransfer("LOT-7", _carol.PublicKey, 2));
    }

    [Fact]
    public void DoubleTransfer_FormerOwnerOffersAgain_IsUnauthorized()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));
        _chain.Ok(_bob, LandCalls.AcceptTransfer("LOT-7"));
        _chain.Ok(_chain.Registrar, LandCalls.ApproveTransfer("LOT-7"));

        _chain.Fails(ResultCode.Unauthorized, _alice, LandCalls.OfferTransfer("LOT-7", _carol.PublicKey, 1));
        _chain.Fails(ResultCode.InvalidState, _chain.Registrar, LandCalls.ApproveTransfer("LOT-7"));
    }

    [Fact]
    public void Lien_BlocksOfferAndApprovalUntilReleased()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));
        _chain.Ok(_bob, LandCalls.AcceptTransfer("LOT-7"));
        _chain.Ok(_chain.Bank, LandCalls.RegisterLien("LOT-7", "MORTGAGE-1", 90_000));

        _chain.Fails(ResultCode.InvalidState, _chain.Registrar, LandCalls.ApproveTransfer("LOT-7"));
        _chain.Ok(_alice, LandCalls.CancelTransfer("LOT-7"));
        _chain.Fails(ResultCode.InvalidState, _alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));

        _chain.Ok(_chain.Bank, LandCalls.ReleaseLien("LOT-7", "MORTGAGE-1"));
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));
        Assert.Empty(Parcel().Liens);
    }

    [Fact]
    public void RegisterLien_WithoutBankRole_IsUnauthorized()
    {
        _chain.Fails(ResultCode.Unauthorized, _alice, LandCalls.RegisterLien("LOT-7", "L1", 1));
        _chain.Fails(ResultCode.Unauthorized, _chain.Registrar, LandCalls.RegisterLien("LOT-7", "L1", 1));
    }

    [Fact]
    public void ReleaseLien_ByOwnerOrBankOfOtherDepartment_IsUnauthorized()
    {
        using var chain = new TestChain(departments: 2, customize: (g, c) =>
            g.Roles.Add(TestChain.Grant(Roles.LandBank, c.Key(60), TestChain.DepartmentId(1))));
        var owner = chain.Key(61);
        var otherBank = chain.Key(60);
        chain.Ok(chain.Registrar, LandCalls.RegisterParcel("LOT-1", owner.PublicKey, Deed, 1));
        chain.Ok(chain.Bank, LandCalls.RegisterLien("LOT-1", "L1", 1));

        chain.Fails(ResultCode.Unauthorized, owner, LandCalls.ReleaseLien("LOT-1", "L1"));
        chain.Fails(ResultCode.Unauthorized, otherBank, LandCalls.ReleaseLien("LOT-1", "L1"));
        chain.Fails(ResultCode.AlreadyExists, chain.Bank, LandCalls.RegisterLien("LOT-1", "L1", 5));
    }

    [Fact]
    public void CancelTransfer_ByStranger_IsUnauthorized_ByBuyer_Succeeds()
    {
        _chain.Ok(_alice, LandCalls.OfferTransfer("LOT-7", _bob.PublicKey, 1));

        _chain.Fails(ResultCode.Unauthorized, _carol, LandCalls.CancelTransfer("LOT-7"));
        _chain.Ok(_bob, LandCalls.CancelTransfer("LOT-7"));
        Assert.Null(Parcel().Offer);
    }
}

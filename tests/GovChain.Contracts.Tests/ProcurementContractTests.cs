using System.Security.Cryptography;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Tests.Support;
using GovChain.Core.Crypto;
using GovChain.Protocol.Procurement;

namespace GovChain.Contracts.Tests;

public sealed class ProcurementContractTests : IDisposable
{
    private static readonly byte[] Documents = SHA256.HashData("tender documents"u8);
    private static readonly byte[] Report = SHA256.HashData("inspection report"u8);
    private readonly TestChain _chain = new();
    private readonly KeyPair[] _bidders;
    private readonly byte[][] _salts;

    public ProcurementContractTests()
    {
        _bidders = [_chain.Key(30), _chain.Key(31), _chain.Key(32)];
        _salts = [Salt(1), Salt(2), Salt(3)];
    }

    public void Dispose() => _chain.Dispose();

    private static byte[] Salt(byte b) => Enumerable.Repeat(b, 24).ToArray();

    /// <summary>Publishes "T-1": bids up to height+3, reveals up to height+6.</summary>
    private (ulong BidDeadline, ulong RevealDeadline) Publish(params TenderMilestoneSpec[] milestones)
    {
        var bid = _chain.Height + 4;
        var reveal = bid + 3;
        _chain.Ok(_chain.Officer, ProcurementCalls.PublishTender("T-1", "Bridge repair", Documents, bid, reveal,
            milestones.Length == 0 ? [ProcurementCalls.Milestone("foundations", 3000), ProcurementCalls.Milestone("deck", 7000)] : milestones));
        return (bid, reveal);
    }

    private void SkipTo(ulong height)
    {
        while (_chain.Height < height)
        {
            _chain.Block();
        }
    }

    private Tender Tender() => _chain.Query(ProcurementCalls.GetTender("T-1"), Protocol.Procurement.Tender.Parser);

    [Fact]
    public void Tender_SealedBidsRevealAwardMilestones_PaysTheLowestBidInFull()
    {
        var (bidDeadline, revealDeadline) = Publish();
        ulong[] amounts = [120_000, 99_999, 150_000];
        for (var i = 0; i < 3; i++)
        {
            _chain.Ok(_bidders[i], ProcurementCalls.SubmitBid("T-1", _bidders[i].PublicKey, amounts[i], _salts[i]));
        }

        var sealedBid = _chain.Query(ProcurementCalls.GetBid("T-1", _bidders[1].PublicKey), SealedBid.Parser);
        Assert.Equal(0ul, sealedBid.Amount);
        SkipTo(bidDeadline);
        for (var i = 0; i < 2; i++)
        {
            _chain.Ok(_bidders[i], ProcurementCalls.RevealBid("T-1", amounts[i], _salts[i]));
        }

        SkipTo(revealDeadline);
        var award = TenderAward.Parser.ParseFrom(_chain.Ok(_chain.Officer, ProcurementCalls.AwardTender("T-1")).Result);

        Assert.True(award.Winner.Span.SequenceEqual(_bidders[1].PublicKey));
        Assert.Equal(99_999ul, award.Amount);
        Assert.Equal(2u, award.ValidBids);
        var first = TenderMilestone.Parser.ParseFrom(_chain.Ok(_chain.Inspector, ProcurementCalls.ApproveMilestone("T-1", 0, Report)).Result);
        var second = TenderMilestone.Parser.ParseFrom(_chain.Ok(_chain.Inspector, ProcurementCalls.ApproveMilestone("T-1", 1, Report)).Result);
        Assert.Equal(29_999ul, first.PaymentAmount);
        Assert.Equal(70_000ul, second.PaymentAmount);
        Assert.Equal(TenderStatus.Completed, Tender().Status);

        _chain.AssertReplayIsIdentical();
    }

    [Fact]
    public void Award_EqualAmounts_GoesToTheEarlierBid()
    {
        var (bidDeadline, revealDeadline) = Publish();
        _chain.Ok(_bidders[2], ProcurementCalls.SubmitBid("T-1", _bidders[2].PublicKey, 500, _salts[2]));
        _chain.Ok(_bidders[0], ProcurementCalls.SubmitBid("T-1", _bidders[0].PublicKey, 500, _salts[0]));
        SkipTo(bidDeadline);
        _chain.Ok(_bidders[0], ProcurementCalls.RevealBid("T-1", 500, _salts[0]));
        _chain.Ok(_bidders[2], ProcurementCalls.RevealBid("T-1", 500, _salts[2]));
        SkipTo(revealDeadline);

        var award = TenderAward.Parser.ParseFrom(_chain.Ok(_chain.Officer, ProcurementCalls.AwardTender("T-1")).Result);

        Assert.True(award.Winner.Span.SequenceEqual(_bidders[2].PublicKey));
    }

    [Fact]
    public void SubmitBid_AfterDeadline_IsTooLate()
    {
        var (bidDeadline, _) = Publish();
        SkipTo(bidDeadline);

        _chain.Fails(ResultCode.TooLate, _bidders[0], ProcurementCalls.SubmitBid("T-1", _bidders[0].PublicKey, 1, _salts[0]));
    }

    [Fact]
    public void RevealBid_Mismatched_IsRejected_AndTheBidStaysSealed()
    {
        var (bidDeadline, _) = Publish();
        _chain.Ok(_bidders[0], ProcurementCalls.SubmitBid("T-1", _bidders[0].PublicKey, 1_000, _salts[0]));
        SkipTo(bidDeadline);

        _chain.Fails(ResultCode.CommitmentMismatch, _bidders[0], ProcurementCalls.RevealBid("T-1", 900, _salts[0]));
        _chain.Fails(ResultCode.CommitmentMismatch, _bidders[0], ProcurementCalls.RevealBid("T-1", 1_000, _salts[1]));

        Assert.False(_chain.Query(ProcurementCalls.GetBid("T-1", _bidders[0].PublicKey), SealedBid.Parser).Revealed);
    }

    [Fact]
    public void RevealBid_CopiedCommitmentOfAnotherBidder_DoesNotMatch()
    {
        var (bidDeadline, _) = Publish();
        var copied = ProcurementCalls.SubmitBid("T-1", _bidders[0].PublicKey, 1_000, _salts[0]);
        _chain.Ok(_bidders[1], copied);
        SkipTo(bidDeadline);

        _chain.Fails(ResultCode.CommitmentMismatch, _bidders[1], ProcurementCalls.RevealBid("T-1", 1_000, _salts[0]));
    }

    [Fact]
    public void RevealBid_BeforeDeadline_IsTooEarly_AfterRevealDeadline_IsTooLate()
    {
        var (_, revealDeadline) = Publish();
        _chain.Ok(_bidders[0], ProcurementCalls.SubmitBid("T-1", _bidders[0].PublicKey, 1_000, _salts[0]));

        _chain.Fails(ResultCode.TooEarly, _bidders[0], ProcurementCalls.RevealBid("T-1", 1_000, _salts[0]));
        SkipTo(revealDeadline);
        _chain.Fails(ResultCode.TooLate, _bidders[0], ProcurementCalls.RevealBid("T-1", 1_000, _salts[0]));
    }

    [Fact]
    public void AwardTender_BeforeRevealDeadline_IsTooEarly_WithoutBids_IsInvalidState()
    {
        var (_, revealDeadline) = Publish();

        _chain.Fails(ResultCode.TooEarly, _chain.Officer, ProcurementCalls.AwardTender("T-1"));
        SkipTo(revealDeadline);
        _chain.Fails(ResultCode.InvalidState, _chain.Officer, ProcurementCalls.AwardTender("T-1"));
        _chain.Ok(_chain.Officer, ProcurementCalls.CancelTender("T-1", "no bids"));
        Assert.Equal(TenderStatus.Cancelled, Tender().Status);
    }

    [Fact]
    public void PublishTender_WithoutOfficerRole_OrBadSchedule_IsRefused()
    {
        _chain.Fails(ResultCode.Unauthorized, _bidders[0], ProcurementCalls.PublishTender("T-2", "x", Documents, 10, 20, ProcurementCalls.Milestone("all", 10_000)));
        _chain.Fails(ResultCode.InvalidArgument, _chain.Officer, ProcurementCalls.PublishTender("T-2", "x", Documents, _chain.Height, 20, ProcurementCalls.Milestone("all", 10_000)));
        _chain.Fails(ResultCode.InvalidArgument, _chain.Officer, ProcurementCalls.PublishTender("T-2", "x", Documents, 10, 10, ProcurementCalls.Milestone("all", 10_000)));
        _chain.Fails(ResultCode.InvalidArgument, _chain.Officer, ProcurementCalls.PublishTender("T-2", "x", Documents, 10, 20, ProcurementCalls.Milestone("half", 5_000)));
    }

    [Fact]
    public void ApproveMilestone_ByOfficerOrOutOfOrderOrBeforeAward_IsRefused()
    {
        using var chain = new TestChain(customize: (g, c) =>
            g.Roles.Add(TestChain.Grant(Roles.ProcurementInspector, c.Officer, TestChain.DepartmentId(0))));
        var bidder = chain.Key(33);
        chain.Ok(chain.Officer, ProcurementCalls.PublishTender("T-9", "Roof", Documents, 3, 5, ProcurementCalls.Milestone("a", 5_000), ProcurementCalls.Milestone("b", 5_000)));
        chain.Fails(ResultCode.InvalidState, chain.Inspector, ProcurementCalls.ApproveMilestone("T-9", 0, Report));
        chain.Ok(bidder, ProcurementCalls.SubmitBid("T-9", bidder.PublicKey, 10, _salts[0]));
        while (chain.Height < 3)
        {
            chain.Block();
        }

        chain.Ok(bidder, ProcurementCalls.RevealBid("T-9", 10, _salts[0]));
        while (chain.Height < 5)
        {
            chain.Block();
        }

        chain.Ok(chain.Officer, ProcurementCalls.AwardTender("T-9"));

        chain.Fails(ResultCode.Unauthorized, chain.Officer, ProcurementCalls.ApproveMilestone("T-9", 0, Report));
        chain.Fails(ResultCode.InvalidState, chain.Inspector, ProcurementCalls.ApproveMilestone("T-9", 1, Report));
        chain.Fails(ResultCode.Unauthorized, bidder, ProcurementCalls.ApproveMilestone("T-9", 0, Report));
    }

    [Fact]
    public void AwardTender_ByOfficerOfAnotherDepartment_IsUnauthorized()
    {
        using var chain = new TestChain(departments: 2, customize: (g, c) =>
            g.Roles.Add(TestChain.Grant(Roles.ProcurementOfficer, c.Key(80), TestChain.DepartmentId(1))));
        chain.Ok(chain.Officer, ProcurementCalls.PublishTender("T-5", "Roads", Documents, 3, 5, ProcurementCalls.Milestone("all", 10_000)));

        chain.Fails(ResultCode.Unauthorized, chain.Key(80), ProcurementCalls.CancelTender("T-5", "mine now"));
    }
}

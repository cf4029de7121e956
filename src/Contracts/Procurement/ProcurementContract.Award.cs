using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.SystemContract;
using GovChain.Protocol.Procurement;

namespace GovChain.Contracts.Procurement;

/// <summary>Award, cancellation and milestone payments.</summary>
internal sealed partial class ProcurementContract
{
    public const int MaxReasonLength = 256;

    /// <summary>Lowest revealed amount wins; ties go to the earlier bid, then the lower key.</summary>
    private static TenderAward Award(CallContext ctx, AwardTenderArgs args)
    {
        var tender = RequireOpen(ctx, args.TenderId);
        RequireOfficerOf(ctx, tender);
        if (ctx.Block.Height <= tender.RevealDeadlineHeight)
        {
            throw new ContractException(ResultCode.TooEarly, $"tender '{tender.Id}' can be awarded after height {tender.RevealDeadlineHeight}");
        }

        SealedBid? best = null;
        uint valid = 0;
        ctx.Meter.Loop(tender.Bidders.Count);
        foreach (var bidder in tender.Bidders)
        {
            var bid = ctx.Read(BidKey(tender.Id, bidder), SealedBid.Parser)
                ?? throw new InvalidOperationException($"Tender '{tender.Id}' lists a bidder without a bid.");
            if (!bid.Revealed)
            {
                continue;
            }

            valid++;
            if (best is null || Better(bid, best))
            {
                best = bid;
            }
        }

        if (best is null)
        {
            throw new ContractException(ResultCode.InvalidState, $"tender '{tender.Id}' has no revealed bid; cancel it instead");
        }

        tender.Status = TenderStatus.Awarded;
        tender.Award = new TenderAward { Winner = best.Bidder, Amount = best.Amount, AwardedHeight = ctx.Block.Height, ValidBids = valid };
        ctx.Write(TenderKey(tender.Id), tender);
        ctx.Emit(ContractNames.Procurement, "tender_awarded", ("tender", tender.Id), ("winner", Identifiers.KeyHex(best.Bidder)), ("amount", Text(best.Amount)));
        return tender.Award;
    }

    private static bool Better(SealedBid candidate, SealedBid current)
    {
        if (candidate.Amount != current.Amount)
        {
            return candidate.Amount < current.Amount;
        }

        if (candidate.SubmittedHeight != current.SubmittedHeight)
        {
            return candidate.SubmittedHeight < current.SubmittedHeight;
        }

        return candidate.Bidder.Span.SequenceCompareTo(current.Bidder.Span) < 0;
    }

    private static void Cancel(CallContext ctx, CancelTenderArgs args)
    {
        var tender = RequireOpen(ctx, args.TenderId);
        RequireOfficerOf(ctx, tender);
        Identifiers.RequireText(args.Reason, "reason", MaxReasonLength);
        tender.Status = TenderStatus.Cancelled;
        tender.CancelReason = args.Reason;
        ctx.Write(TenderKey(tender.Id), tender);
        ctx.Emit(ContractNames.Procurement, "tender_cancelled", ("tender", tender.Id), ("reason", args.Reason));
    }

    /// <summary>
    /// An inspector other than the publishing officer approves the next milestone; the payment
    /// is the milestone's share of the award, the last one taking the rounding remainder.
    /// </summary>
    private static TenderMilestone ApproveMilestone(CallContext ctx, ApproveMilestoneArgs args)
    {
        SystemState.RequireRole(ctx, Roles.ProcurementInspector);
        Identifiers.RequireHash(args.ReportHash, "report_hash");
        var tender = RequireTender(ctx, args.TenderId);
        if (tender.Status != TenderStatus.Awarded)
        {
            throw new ContractException(ResultCode.InvalidState, $"tender '{tender.Id}' is {tender.Status}, not awarded");
        }

        if (tender.Officer.Equals(ctx.Sender))
        {
            throw new ContractException(ResultCode.Unauthorized, "the officer who published a tender may not inspect its milestones");
        }

        var next = 0;
        while (next < tender.Milestones.Count && tender.Milestones[next].Approved)
        {
            next++;
        }

        if (args.MilestoneIndex != next)
        {
            throw new ContractException(ResultCode.InvalidState, $"milestones are approved in order; the next one is {next}");
        }

        ulong paid = 0;
        for (var i = 0; i < next; i++)
        {
            paid = checked(paid + tender.Milestones[i].PaymentAmount);
        }

        var milestone = tender.Milestones[next];
        var last = next == tender.Milestones.Count - 1;
        var amount = tender.Award.Amount;
        milestone.PaymentAmount = last ? amount - paid : (ulong)((UInt128)amount * milestone.ShareBasisPoints / FullShare);
        milestone.Approved = true;
        milestone.ApprovedHeight = ctx.Block.Height;
        milestone.Inspector = ctx.Sender;
        milestone.ReportHash = args.ReportHash;
        if (last)
        {
            tender.Status = TenderStatus.Completed;
        }

        ctx.Write(TenderKey(tender.Id), tender);
        ctx.Emit(ContractNames.Procurement, "payment_released", ("tender", tender.Id), ("milestone", Text((ulong)next)),
            ("amount", Text(milestone.PaymentAmount)), ("to", Identifiers.KeyHex(tender.Award.Winner)));
        return milestone;
    }

    private static void RequireOfficerOf(CallContext ctx, Tender tender)
    {
        var grant = SystemState.RequireRole(ctx, Roles.ProcurementOfficer);
        if (!string.Equals(grant.DepartmentId, tender.DepartmentId, StringComparison.Ordinal))
        {
            throw new ContractException(ResultCode.Unauthorized, $"tender '{tender.Id}' belongs to department '{tender.DepartmentId}'");
        }
    }

    private static Tender RequireOpen(CallContext ctx, string id)
    {
        var tender = RequireTender(ctx, id);
        if (tender.Status != TenderStatus.Open)
        {
            throw new ContractException(ResultCode.InvalidState, $"tender '{tender.Id}' is {tender.Status}, not open");
        }

        return tender;
    }

    private static Tender RequireTender(CallContext ctx, string id)
    {
        Identifiers.RequireId(id, "tender_id");
        return ctx.Read(TenderKey(id), Tender.Parser)
            ?? throw new ContractException(ResultCode.NotFound, $"no tender '{id}'");
    }
}

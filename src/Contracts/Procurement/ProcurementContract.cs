using System.Globalization;
using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.SystemContract;
using GovChain.Protocol.Procurement;

namespace GovChain.Contracts.Procurement;

/// <summary>
/// The <c>procurement</c> contract. Phases are heights: bids up to bid_deadline_height,
/// reveals after it up to reveal_deadline_height, award after that. Before the reveal no
/// one, the officer included, can learn an amount; after a commitment no one, the bidder
/// included, can change it past the deadline. Keys: "procurement/tender/&lt;id&gt;",
/// "procurement/bid/&lt;tender&gt;/&lt;hex bidder&gt;".
/// </summary>
internal sealed partial class ProcurementContract : Contract
{
    public const int MaxTitleLength = 256;
    public const int MaxMilestones = 32;
    public const int MaxBidders = 256;
    public const uint FullShare = 10_000;

    public override string Name => ContractNames.Procurement;

    public static byte[] TenderKey(string id) => RecordKeys.Tender(id);

    public static byte[] BidKey(string tenderId, ByteString bidder) => RecordKeys.Bid(tenderId, bidder.Span);

    public override ByteString Execute(CallContext ctx, string method, ByteString args)
    {
        switch (method)
        {
            case ProcurementMethods.PublishTender:
                Publish(ctx, ctx.ParseArgs(args, PublishTenderArgs.Parser));
                return ByteString.Empty;
            case ProcurementMethods.SubmitBid:
                SubmitBid(ctx, ctx.ParseArgs(args, SubmitBidArgs.Parser));
                return ByteString.Empty;
            case ProcurementMethods.RevealBid:
                RevealBid(ctx, ctx.ParseArgs(args, RevealBidArgs.Parser));
                return ByteString.Empty;
            case ProcurementMethods.AwardTender:
                return Award(ctx, ctx.ParseArgs(args, AwardTenderArgs.Parser)).ToByteString();
            case ProcurementMethods.CancelTender:
                Cancel(ctx, ctx.ParseArgs(args, CancelTenderArgs.Parser));
                return ByteString.Empty;
            case ProcurementMethods.ApproveMilestone:
                return ApproveMilestone(ctx, ctx.ParseArgs(args, ApproveMilestoneArgs.Parser)).ToByteString();
            default:
                throw UnknownMethod(method);
        }
    }

    public override ByteString Query(CallContext ctx, string method, ByteString args)
    {
        switch (method)
        {
            case ProcurementMethods.GetTender:
                return RequireTender(ctx, ctx.ParseArgs(args, GetTenderArgs.Parser).TenderId).ToByteString();
            case ProcurementMethods.GetBid:
                {
                    var a = ctx.ParseArgs(args, GetBidArgs.Parser);
                    Identifiers.RequireId(a.TenderId, "tender_id");
                    Identifiers.RequireKey(a.Bidder, "bidder");
                    return (ctx.Read(BidKey(a.TenderId, a.Bidder), SealedBid.Parser)
                        ?? throw new ContractException(ResultCode.NotFound, $"no bid on tender '{a.TenderId}' from that bidder")).ToByteString();
                }

            default:
                throw UnknownQuery(method);
        }
    }

    private static void Publish(CallContext ctx, PublishTenderArgs args)
    {
        var grant = SystemState.RequireRole(ctx, Roles.ProcurementOfficer);
        Identifiers.RequireId(args.TenderId, "tender_id");
        Identifiers.RequireText(args.Title, "title", MaxTitleLength);
        Identifiers.RequireHash(args.DocumentHash, "document_hash");
        if (args.BidDeadlineHeight <= ctx.Block.Height)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"bid_deadline_height {args.BidDeadlineHeight} must be above the current height {ctx.Block.Height}");
        }

        if (args.RevealDeadlineHeight <= args.BidDeadlineHeight)
        {
            throw new ContractException(ResultCode.InvalidArgument, "reveal_deadline_height must be above bid_deadline_height");
        }

        if (args.Milestones.Count is 0 or > MaxMilestones)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"a tender has 1 to {MaxMilestones} milestones");
        }

        ulong shares = 0;
        foreach (var m in args.Milestones)
        {
            Identifiers.RequireText(m.Description, "milestone description", MaxTitleLength);
            if (m.ShareBasisPoints == 0)
            {
                throw new ContractException(ResultCode.InvalidArgument, "every milestone needs a share above 0");
            }

            shares += m.ShareBasisPoints;
        }

        if (shares != FullShare)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"milestone shares sum to {shares} basis points, not {FullShare}");
        }

        var key = TenderKey(args.TenderId);
        if (ctx.Exists(key))
        {
            throw new ContractException(ResultCode.AlreadyExists, $"tender '{args.TenderId}' already exists");
        }

        var tender = new Tender
        {
            Id = args.TenderId,
            Officer = ctx.Sender,
            DepartmentId = grant.DepartmentId,
            Title = args.Title,
            DocumentHash = args.DocumentHash,
            PublishedHeight = ctx.Block.Height,
            BidDeadlineHeight = args.BidDeadlineHeight,
            RevealDeadlineHeight = args.RevealDeadlineHeight,
            Status = TenderStatus.Open,
        };
        foreach (var m in args.Milestones)
        {
            tender.Milestones.Add(new TenderMilestone { Description = m.Description, ShareBasisPoints = m.ShareBasisPoints });
        }

        ctx.Write(key, tender);
        ctx.Emit(ContractNames.Procurement, "tender_published", ("tender", tender.Id), ("department", tender.DepartmentId),
            ("bid_deadline", Text(tender.BidDeadlineHeight)), ("reveal_deadline", Text(tender.RevealDeadlineHeight)));
    }

    private static void SubmitBid(CallContext ctx, SubmitBidArgs args)
    {
        var tender = RequireOpen(ctx, args.TenderId);
        Identifiers.RequireHash(args.Commitment, "commitment");
        if (ctx.Block.Height > tender.BidDeadlineHeight)
        {
            throw new ContractException(ResultCode.TooLate, $"bids on tender '{tender.Id}' closed at height {tender.BidDeadlineHeight}");
        }

        var key = BidKey(tender.Id, ctx.Sender);
        var bid = ctx.Read(key, SealedBid.Parser);
        if (bid is null)
        {
            if (tender.Bidders.Count >= MaxBidders)
            {
                throw new ContractException(ResultCode.LimitExceeded, $"tender '{tender.Id}' already has {MaxBidders} bidders");
            }

            ctx.Meter.Loop(tender.Bidders.Count);
            var at = 0;
            while (at < tender.Bidders.Count && tender.Bidders[at].Span.SequenceCompareTo(ctx.Sender.Span) < 0)
            {
                at++;
            }

            tender.Bidders.Insert(at, ctx.Sender);
            ctx.Write(TenderKey(tender.Id), tender);
            bid = new SealedBid { TenderId = tender.Id, Bidder = ctx.Sender };
        }

        bid.Commitment = args.Commitment;
        bid.SubmittedHeight = ctx.Block.Height;
        ctx.Write(key, bid);
        ctx.Emit(ContractNames.Procurement, "bid_submitted", ("tender", tender.Id), ("bidder", Identifiers.KeyHex(ctx.Sender)));
    }

    private static void RevealBid(CallContext ctx, RevealBidArgs args)
    {
        var tender = RequireOpen(ctx, args.TenderId);
        if (ctx.Block.Height <= tender.BidDeadlineHeight)
        {
            throw new ContractException(ResultCode.TooEarly, $"reveals on tender '{tender.Id}' open after height {tender.BidDeadlineHeight}");
        }

        if (ctx.Block.Height > tender.RevealDeadlineHeight)
        {
            throw new ContractException(ResultCode.TooLate, $"reveals on tender '{tender.Id}' closed at height {tender.RevealDeadlineHeight}");
        }

        if (args.Salt.Length is < BidCommitments.MinSaltBytes or > BidCommitments.MaxSaltBytes)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"salt must be {BidCommitments.MinSaltBytes} to {BidCommitments.MaxSaltBytes} bytes");
        }

        var key = BidKey(tender.Id, ctx.Sender);
        var bid = ctx.Read(key, SealedBid.Parser)
            ?? throw new ContractException(ResultCode.NotFound, $"the signer has no bid on tender '{tender.Id}'");
        if (bid.Revealed)
        {
            throw new ContractException(ResultCode.InvalidState, "this bid is already revealed");
        }

        ctx.Meter.Charge(StepCosts.HashBase, StepCosts.HashPerByte, 64 + tender.Id.Length + args.Salt.Length);
        var expected = BidCommitments.Compute(tender.Id, ctx.Sender.Span, args.Amount, args.Salt.Span);
        if (!bid.Commitment.Span.SequenceEqual(expected))
        {
            throw new ContractException(ResultCode.CommitmentMismatch, "the amount and salt do not match the bid's commitment");
        }

        bid.Revealed = true;
        bid.Amount = args.Amount;
        bid.RevealedHeight = ctx.Block.Height;
        ctx.Write(key, bid);
        ctx.Emit(ContractNames.Procurement, "bid_revealed", ("tender", tender.Id), ("bidder", Identifiers.KeyHex(ctx.Sender)), ("amount", Text(args.Amount)));
    }

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

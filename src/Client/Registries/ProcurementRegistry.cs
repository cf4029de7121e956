using Google.Protobuf;
using GovChain.Protocol.Procurement;

namespace GovChain.Client.Registries;

/// <summary>The <c>procurement</c> registry: tenders, sealed bids and their reveal, award, milestone payments.</summary>
public static class ProcurementRegistry
{
    public const string Contract = "procurement";

    public static class Methods
    {
        public const string PublishTender = "publish_tender";
        public const string SubmitBid = "submit_bid";
        public const string RevealBid = "reveal_bid";
        public const string AwardTender = "award_tender";
        public const string CancelTender = "cancel_tender";
        public const string ApproveMilestone = "approve_milestone";
        public const string GetTender = "get_tender";
        public const string GetBid = "get_bid";
    }

    /// <summary>Signed by a procurement officer.</summary>
    public static ContractCall PublishTender(
        string tenderId, string title, ReadOnlySpan<byte> documentHash, ulong bidDeadlineHeight, ulong revealDeadlineHeight,
        params IEnumerable<TenderMilestoneSpec> milestones)
    {
        var args = new PublishTenderArgs
        {
            TenderId = tenderId,
            Title = title,
            DocumentHash = ByteString.CopyFrom(documentHash),
            BidDeadlineHeight = bidDeadlineHeight,
            RevealDeadlineHeight = revealDeadlineHeight,
        };
        args.Milestones.AddRange(milestones);
        return new ContractCall(Contract, Methods.PublishTender, args);
    }

    /// <summary>A milestone paying <paramref name="shareBasisPoints"/>/10000 of the award on approval.</summary>
    public static TenderMilestoneSpec Milestone(string description, uint shareBasisPoints) =>
        new() { Description = description, ShareBasisPoints = shareBasisPoints };

    /// <summary>Seals a bid by <paramref name="bidder"/> (the signer): keep <paramref name="salt"/> secret until the reveal.</summary>
    public static ContractCall SubmitBid(string tenderId, ReadOnlySpan<byte> bidder, ulong amount, ReadOnlySpan<byte> salt) =>
        new(Contract, Methods.SubmitBid, new SubmitBidArgs
        {
            TenderId = tenderId,
            Commitment = ByteString.CopyFrom(BidCommitment.Compute(tenderId, bidder, amount, salt)),
        });

    public static ContractCall RevealBid(string tenderId, ulong amount, ReadOnlySpan<byte> salt) =>
        new(Contract, Methods.RevealBid, new RevealBidArgs { TenderId = tenderId, Amount = amount, Salt = ByteString.CopyFrom(salt) });

    public static ContractCall AwardTender(string tenderId) =>
        new(Contract, Methods.AwardTender, new AwardTenderArgs { TenderId = tenderId });

    public static ContractCall CancelTender(string tenderId, string reason) =>
        new(Contract, Methods.CancelTender, new CancelTenderArgs { TenderId = tenderId, Reason = reason });

    /// <summary>Signed by a procurement inspector; releases the milestone's payment.</summary>
    public static ContractCall ApproveMilestone(string tenderId, uint milestoneIndex, ReadOnlySpan<byte> reportHash) =>
        new(Contract, Methods.ApproveMilestone, new ApproveMilestoneArgs
        {
            TenderId = tenderId,
            MilestoneIndex = milestoneIndex,
            ReportHash = ByteString.CopyFrom(reportHash),
        });

    public static ContractQuery<Tender> GetTender(string tenderId) =>
        new(Contract, Methods.GetTender, new GetTenderArgs { TenderId = tenderId }, Tender.Parser);

    public static ContractQuery<SealedBid> GetBid(string tenderId, ReadOnlySpan<byte> bidder) =>
        new(Contract, Methods.GetBid, new GetBidArgs { TenderId = tenderId, Bidder = ByteString.CopyFrom(bidder) }, SealedBid.Parser);
}

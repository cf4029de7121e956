using Google.Protobuf;
using GovChain.Protocol.Procurement;

namespace GovChain;

/// <summary>Builders for the <c>procurement</c> contract's calls and queries.</summary>
public static class ProcurementCalls
{
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
        return new ContractCall(ContractNames.Procurement, ProcurementMethods.PublishTender, args);
    }

    /// <summary>A milestone paying <paramref name="shareBasisPoints"/>/10000 of the award on approval.</summary>
    public static TenderMilestoneSpec Milestone(string description, uint shareBasisPoints) =>
        new() { Description = description, ShareBasisPoints = shareBasisPoints };

    /// <summary>Seals a bid by <paramref name="bidder"/> (the signer): keep <paramref name="salt"/> secret until the reveal (see <see cref="BidCommitments"/>).</summary>
    public static ContractCall SubmitBid(string tenderId, ReadOnlySpan<byte> bidder, ulong amount, ReadOnlySpan<byte> salt) =>
        new(ContractNames.Procurement, ProcurementMethods.SubmitBid, new SubmitBidArgs
        {
            TenderId = tenderId,
            Commitment = ByteString.CopyFrom(BidCommitments.Compute(tenderId, bidder, amount, salt)),
        });

    public static ContractCall RevealBid(string tenderId, ulong amount, ReadOnlySpan<byte> salt) =>
        new(ContractNames.Procurement, ProcurementMethods.RevealBid, new RevealBidArgs { TenderId = tenderId, Amount = amount, Salt = ByteString.CopyFrom(salt) });

    /// <summary>Result: TenderAward.</summary>
    public static ContractCall AwardTender(string tenderId) =>
        new(ContractNames.Procurement, ProcurementMethods.AwardTender, new AwardTenderArgs { TenderId = tenderId });

    public static ContractCall CancelTender(string tenderId, string reason) =>
        new(ContractNames.Procurement, ProcurementMethods.CancelTender, new CancelTenderArgs { TenderId = tenderId, Reason = reason });

    /// <summary>Signed by a procurement inspector; releases the payment. Result: the approved TenderMilestone.</summary>
    public static ContractCall ApproveMilestone(string tenderId, uint milestoneIndex, ReadOnlySpan<byte> reportHash) =>
        new(ContractNames.Procurement, ProcurementMethods.ApproveMilestone, new ApproveMilestoneArgs
        {
            TenderId = tenderId,
            MilestoneIndex = milestoneIndex,
            ReportHash = ByteString.CopyFrom(reportHash),
        });

    public static ContractQuery<Tender> GetTender(string tenderId) =>
        new(ContractNames.Procurement, ProcurementMethods.GetTender, new GetTenderArgs { TenderId = tenderId }, Tender.Parser);

    public static ContractQuery<SealedBid> GetBid(string tenderId, ReadOnlySpan<byte> bidder) =>
        new(ContractNames.Procurement, ProcurementMethods.GetBid, new GetBidArgs { TenderId = tenderId, Bidder = ByteString.CopyFrom(bidder) }, SealedBid.Parser);
}

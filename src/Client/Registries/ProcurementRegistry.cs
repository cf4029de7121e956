using GovChain.Protocol.Procurement;

namespace GovChain.Client.Registries;

/// <summary>
/// The <c>procurement</c> registry: tenders, sealed bids and their reveal, award, milestone payments.
/// The SDK's names for the one set of builders the engine uses too (<see cref="ProcurementCalls"/>).
/// </summary>
public static class ProcurementRegistry
{
    public const string Contract = ContractNames.Procurement;

    public static class Methods
    {
        public const string PublishTender = ProcurementMethods.PublishTender;
        public const string SubmitBid = ProcurementMethods.SubmitBid;
        public const string RevealBid = ProcurementMethods.RevealBid;
        public const string AwardTender = ProcurementMethods.AwardTender;
        public const string CancelTender = ProcurementMethods.CancelTender;
        public const string ApproveMilestone = ProcurementMethods.ApproveMilestone;
        public const string GetTender = ProcurementMethods.GetTender;
        public const string GetBid = ProcurementMethods.GetBid;
    }

    /// <inheritdoc cref="ProcurementCalls.PublishTender"/>
    public static ContractCall PublishTender(
        string tenderId, string title, ReadOnlySpan<byte> documentHash, ulong bidDeadlineHeight, ulong revealDeadlineHeight,
        params IEnumerable<TenderMilestoneSpec> milestones) =>
        ProcurementCalls.PublishTender(tenderId, title, documentHash, bidDeadlineHeight, revealDeadlineHeight, milestones);

    /// <inheritdoc cref="ProcurementCalls.Milestone"/>
    public static TenderMilestoneSpec Milestone(string description, uint shareBasisPoints) => ProcurementCalls.Milestone(description, shareBasisPoints);

    /// <inheritdoc cref="ProcurementCalls.SubmitBid"/>
    public static ContractCall SubmitBid(string tenderId, ReadOnlySpan<byte> bidder, ulong amount, ReadOnlySpan<byte> salt) =>
        ProcurementCalls.SubmitBid(tenderId, bidder, amount, salt);

    public static ContractCall RevealBid(string tenderId, ulong amount, ReadOnlySpan<byte> salt) => ProcurementCalls.RevealBid(tenderId, amount, salt);

    /// <inheritdoc cref="ProcurementCalls.AwardTender"/>
    public static ContractCall AwardTender(string tenderId) => ProcurementCalls.AwardTender(tenderId);

    public static ContractCall CancelTender(string tenderId, string reason) => ProcurementCalls.CancelTender(tenderId, reason);

    /// <inheritdoc cref="ProcurementCalls.ApproveMilestone"/>
    public static ContractCall ApproveMilestone(string tenderId, uint milestoneIndex, ReadOnlySpan<byte> reportHash) =>
        ProcurementCalls.ApproveMilestone(tenderId, milestoneIndex, reportHash);

    public static ContractQuery<Tender> GetTender(string tenderId) => ProcurementCalls.GetTender(tenderId);

    public static ContractQuery<SealedBid> GetBid(string tenderId, ReadOnlySpan<byte> bidder) => ProcurementCalls.GetBid(tenderId, bidder);
}

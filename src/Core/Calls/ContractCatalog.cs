using Google.Protobuf.Reflection;
using GovChain.Protocol;
using GovChain.Protocol.Identity;
using GovChain.Protocol.Land;
using GovChain.Protocol.Procurement;
using GovChain.Protocol.Registry;
using GovChain.Protocol.SystemContract;

namespace GovChain;

/// <summary>
/// One method of a built-in contract: whether it is a query, the message its arguments must
/// be, and the message of its result (null when it returns nothing). Lets tools such as the
/// CLI parse arguments given as JSON and print results without a table of their own.
/// </summary>
public sealed record ContractMethod(string Contract, string Method, bool IsQuery, MessageDescriptor Args, MessageDescriptor? Result);

/// <summary>Every method of every built-in contract, in contract then method order.</summary>
public static class ContractCatalog
{
    public static IReadOnlyList<ContractMethod> All { get; } = Build();

    public static ContractMethod? Find(string contract, string method) =>
        All.FirstOrDefault(m => string.Equals(m.Contract, contract, StringComparison.Ordinal) && string.Equals(m.Method, method, StringComparison.Ordinal));

    private static ContractMethod[] Build()
    {
        ContractMethod[] methods =
        [
            Tx(ContractNames.Identity, IdentityMethods.Register, RegisterIdentityArgs.Descriptor, null),
            Tx(ContractNames.Identity, IdentityMethods.Update, UpdateIdentityArgs.Descriptor, null),
            Tx(ContractNames.Identity, IdentityMethods.IssueCredential, IssueCredentialArgs.Descriptor, CredentialRecord.Descriptor),
            Tx(ContractNames.Identity, IdentityMethods.RevokeCredential, RevokeCredentialArgs.Descriptor, null),
            Q(ContractNames.Identity, IdentityMethods.GetIdentity, GetIdentityArgs.Descriptor, IdentityRecord.Descriptor),
            Q(ContractNames.Identity, IdentityMethods.GetCredential, GetCredentialArgs.Descriptor, CredentialRecord.Descriptor),
            Q(ContractNames.Identity, IdentityMethods.VerifyCredential, VerifyCredentialArgs.Descriptor, CredentialVerification.Descriptor),
            Q(ContractNames.Identity, IdentityMethods.ListCredentials, ListCredentialsArgs.Descriptor, CredentialIndex.Descriptor),

            Tx(ContractNames.Land, LandMethods.RegisterParcel, RegisterParcelArgs.Descriptor, null),
            Tx(ContractNames.Land, LandMethods.OfferTransfer, OfferTransferArgs.Descriptor, null),
            Tx(ContractNames.Land, LandMethods.AcceptTransfer, AcceptTransferArgs.Descriptor, null),
            Tx(ContractNames.Land, LandMethods.ApproveTransfer, ApproveTransferArgs.Descriptor, null),
            Tx(ContractNames.Land, LandMethods.CancelTransfer, CancelTransferArgs.Descriptor, null),
            Tx(ContractNames.Land, LandMethods.RegisterLien, RegisterLienArgs.Descriptor, null),
            Tx(ContractNames.Land, LandMethods.ReleaseLien, ReleaseLienArgs.Descriptor, null),
            Q(ContractNames.Land, LandMethods.GetParcel, GetParcelArgs.Descriptor, Parcel.Descriptor),
            Q(ContractNames.Land, LandMethods.GetHistory, GetParcelHistoryArgs.Descriptor, ParcelHistoryPage.Descriptor),

            Tx(ContractNames.Procurement, ProcurementMethods.PublishTender, PublishTenderArgs.Descriptor, null),
            Tx(ContractNames.Procurement, ProcurementMethods.SubmitBid, SubmitBidArgs.Descriptor, null),
            Tx(ContractNames.Procurement, ProcurementMethods.RevealBid, RevealBidArgs.Descriptor, null),
            Tx(ContractNames.Procurement, ProcurementMethods.AwardTender, AwardTenderArgs.Descriptor, TenderAward.Descriptor),
            Tx(ContractNames.Procurement, ProcurementMethods.CancelTender, CancelTenderArgs.Descriptor, null),
            Tx(ContractNames.Procurement, ProcurementMethods.ApproveMilestone, ApproveMilestoneArgs.Descriptor, TenderMilestone.Descriptor),
            Q(ContractNames.Procurement, ProcurementMethods.GetTender, GetTenderArgs.Descriptor, Tender.Descriptor),
            Q(ContractNames.Procurement, ProcurementMethods.GetBid, GetBidArgs.Descriptor, SealedBid.Descriptor),

            Tx(ContractNames.Registry, RegistryMethods.Apply, ApplyTransitionArgs.Descriptor, ApplyTransitionResult.Descriptor),
            Q(ContractNames.Registry, RegistryMethods.GetRecordType, GetRegistryTypeArgs.Descriptor, RegistryTypeRecord.Descriptor),
            Q(ContractNames.Registry, RegistryMethods.GetRecord, GetRegistryRecordArgs.Descriptor, RegistryRecord.Descriptor),

            Tx(ContractNames.System, SystemMethods.Propose, ProposeArgs.Descriptor, ProposalOutcome.Descriptor),
            Tx(ContractNames.System, SystemMethods.Approve, ApproveArgs.Descriptor, ProposalOutcome.Descriptor),
            Q(ContractNames.System, SystemMethods.GetDepartment, GetDepartmentArgs.Descriptor, Department.Descriptor),
            Q(ContractNames.System, SystemMethods.ListDepartments, ListDepartmentsArgs.Descriptor, DepartmentListing.Descriptor),
            Q(ContractNames.System, SystemMethods.GetRoleHolders, GetRoleHoldersArgs.Descriptor, RoleHolders.Descriptor),
            Q(ContractNames.System, SystemMethods.HasRole, HasRoleArgs.Descriptor, RoleCheck.Descriptor),
            Q(ContractNames.System, SystemMethods.GetProposal, GetProposalArgs.Descriptor, GovernanceProposal.Descriptor),
            Q(ContractNames.System, SystemMethods.GetValidators, GetValidatorsArgs.Descriptor, ValidatorSet.Descriptor),
        ];
        return methods;
    }

    private static ContractMethod Tx(string contract, string method, MessageDescriptor args, MessageDescriptor? result) =>
        new(contract, method, false, args, result);

    private static ContractMethod Q(string contract, string method, MessageDescriptor args, MessageDescriptor result) =>
        new(contract, method, true, args, result);
}

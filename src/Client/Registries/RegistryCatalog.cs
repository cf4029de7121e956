using Google.Protobuf.Reflection;
using GovChain.Protocol.Identity;
using GovChain.Protocol.Land;
using GovChain.Protocol.Procurement;
using GovChain.Protocol.Registry;
using GovChain.Protocol.SystemContract;

namespace GovChain.Client.Registries;

/// <summary>One method the SDK can call: its contract, name, kind and argument message.</summary>
public sealed record RegistryMethod(string Contract, string Method, bool IsQuery, MessageDescriptor Args);

/// <summary>Every method of the built-in registries the SDK builds calls for (tools can parse JSON arguments with it).</summary>
public static class RegistryCatalog
{
    public static IReadOnlyList<RegistryMethod> All { get; } =
    [
        Tx(IdentityRegistry.Contract, IdentityRegistry.Methods.Register, RegisterIdentityArgs.Descriptor),
        Tx(IdentityRegistry.Contract, IdentityRegistry.Methods.Update, UpdateIdentityArgs.Descriptor),
        Tx(IdentityRegistry.Contract, IdentityRegistry.Methods.IssueCredential, IssueCredentialArgs.Descriptor),
        Tx(IdentityRegistry.Contract, IdentityRegistry.Methods.RevokeCredential, RevokeCredentialArgs.Descriptor),
        Q(IdentityRegistry.Contract, IdentityRegistry.Methods.GetIdentity, GetIdentityArgs.Descriptor),
        Q(IdentityRegistry.Contract, IdentityRegistry.Methods.GetCredential, GetCredentialArgs.Descriptor),
        Q(IdentityRegistry.Contract, IdentityRegistry.Methods.VerifyCredential, VerifyCredentialArgs.Descriptor),
        Q(IdentityRegistry.Contract, IdentityRegistry.Methods.ListCredentials, ListCredentialsArgs.Descriptor),

        Tx(LandRegistry.Contract, LandRegistry.Methods.RegisterParcel, RegisterParcelArgs.Descriptor),
        Tx(LandRegistry.Contract, LandRegistry.Methods.OfferTransfer, OfferTransferArgs.Descriptor),
        Tx(LandRegistry.Contract, LandRegistry.Methods.AcceptTransfer, AcceptTransferArgs.Descriptor),
        Tx(LandRegistry.Contract, LandRegistry.Methods.ApproveTransfer, ApproveTransferArgs.Descriptor),
        Tx(LandRegistry.Contract, LandRegistry.Methods.CancelTransfer, CancelTransferArgs.Descriptor),
        Tx(LandRegistry.Contract, LandRegistry.Methods.RegisterLien, RegisterLienArgs.Descriptor),
        Tx(LandRegistry.Contract, LandRegistry.Methods.ReleaseLien, ReleaseLienArgs.Descriptor),
        Q(LandRegistry.Contract, LandRegistry.Methods.GetParcel, GetParcelArgs.Descriptor),
        Q(LandRegistry.Contract, LandRegistry.Methods.GetHistory, GetParcelHistoryArgs.Descriptor),

        Tx(ProcurementRegistry.Contract, ProcurementRegistry.Methods.PublishTender, PublishTenderArgs.Descriptor),
        Tx(ProcurementRegistry.Contract, ProcurementRegistry.Methods.SubmitBid, SubmitBidArgs.Descriptor),
        Tx(ProcurementRegistry.Contract, ProcurementRegistry.Methods.RevealBid, RevealBidArgs.Descriptor),
        Tx(ProcurementRegistry.Contract, ProcurementRegistry.Methods.AwardTender, AwardTenderArgs.Descriptor),
        Tx(ProcurementRegistry.Contract, ProcurementRegistry.Methods.CancelTender, CancelTenderArgs.Descriptor),
        Tx(ProcurementRegistry.Contract, ProcurementRegistry.Methods.ApproveMilestone, ApproveMilestoneArgs.Descriptor),
        Q(ProcurementRegistry.Contract, ProcurementRegistry.Methods.GetTender, GetTenderArgs.Descriptor),
        Q(ProcurementRegistry.Contract, ProcurementRegistry.Methods.GetBid, GetBidArgs.Descriptor),

        Tx(RecordRegistry.Contract, RecordRegistry.Methods.Apply, ApplyTransitionArgs.Descriptor),
        Q(RecordRegistry.Contract, RecordRegistry.Methods.GetRecordType, GetRegistryTypeArgs.Descriptor),
        Q(RecordRegistry.Contract, RecordRegistry.Methods.GetRecord, GetRegistryRecordArgs.Descriptor),

        Tx(Governance.Contract, Governance.Methods.Propose, ProposeArgs.Descriptor),
        Tx(Governance.Contract, Governance.Methods.Approve, ApproveArgs.Descriptor),
        Q(Governance.Contract, Governance.Methods.GetDepartment, GetDepartmentArgs.Descriptor),
        Q(Governance.Contract, Governance.Methods.ListDepartments, ListDepartmentsArgs.Descriptor),
        Q(Governance.Contract, Governance.Methods.GetRoleHolders, GetRoleHoldersArgs.Descriptor),
        Q(Governance.Contract, Governance.Methods.HasRole, HasRoleArgs.Descriptor),
        Q(Governance.Contract, Governance.Methods.GetProposal, GetProposalArgs.Descriptor),
        Q(Governance.Contract, Governance.Methods.GetValidators, GetValidatorsArgs.Descriptor),
    ];

    public static RegistryMethod? Find(string contract, string method) =>
        All.FirstOrDefault(m => string.Equals(m.Contract, contract, StringComparison.Ordinal) && string.Equals(m.Method, method, StringComparison.Ordinal));

    private static RegistryMethod Tx(string contract, string method, MessageDescriptor args) => new(contract, method, false, args);

    private static RegistryMethod Q(string contract, string method, MessageDescriptor args) => new(contract, method, true, args);
}

namespace GovChain;

/// <summary>Names of the built-in contracts, as put in <c>TransactionBody.contract</c>.</summary>
public static class ContractNames
{
    public const string System = "system";
    public const string Identity = "identity";
    public const string Land = "land";
    public const string Procurement = "procurement";
    public const string Registry = "registry";

    public static IReadOnlyList<string> All { get; } = [Identity, Land, Procurement, Registry, System];
}

/// <summary>Built-in role names granted through the system contract.</summary>
public static class Roles
{
    /// <summary>Proposes and approves governance changes for its department.</summary>
    public const string DepartmentAdmin = "department.admin";

    /// <summary>Registers parcels and approves transfers.</summary>
    public const string LandRegistrar = "land.registrar";

    /// <summary>Registers and releases liens.</summary>
    public const string LandBank = "land.bank";

    /// <summary>Issues and revokes credentials (university registrar, licensing officer).</summary>
    public const string IdentityIssuer = "identity.issuer";

    /// <summary>Publishes, awards and cancels tenders.</summary>
    public const string ProcurementOfficer = "procurement.officer";

    /// <summary>Approves milestones, releasing payments.</summary>
    public const string ProcurementInspector = "procurement.inspector";

    /// <summary>Read access for audits; holds no write permission in the built-in contracts.</summary>
    public const string Auditor = "auditor";

    public static IReadOnlyList<string> BuiltIn { get; } =
        [Auditor, DepartmentAdmin, IdentityIssuer, LandBank, LandRegistrar, ProcurementInspector, ProcurementOfficer];
}

public static class SystemMethods
{
    public const string Propose = "propose";
    public const string Approve = "approve";

    public const string GetDepartment = "get_department";
    public const string ListDepartments = "list_departments";
    public const string GetRoleHolders = "get_role_holders";
    public const string HasRole = "has_role";
    public const string GetProposal = "get_proposal";
    public const string GetValidators = "get_validators";
}

public static class IdentityMethods
{
    public const string Register = "register";
    public const string Update = "update";
    public const string IssueCredential = "issue_credential";
    public const string RevokeCredential = "revoke_credential";

    public const string GetIdentity = "get_identity";
    public const string GetCredential = "get_credential";
    public const string VerifyCredential = "verify_credential";
    public const string ListCredentials = "list_credentials";
}

public static class LandMethods
{
    public const string RegisterParcel = "register_parcel";
    public const string OfferTransfer = "offer_transfer";
    public const string AcceptTransfer = "accept_transfer";
    public const string ApproveTransfer = "approve_transfer";
    public const string CancelTransfer = "cancel_transfer";
    public const string RegisterLien = "register_lien";
    public const string ReleaseLien = "release_lien";

    public const string GetParcel = "get_parcel";
    public const string GetHistory = "get_history";
}

public static class ProcurementMethods
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

public static class RegistryMethods
{
    public const string Apply = "apply";

    public const string GetRecordType = "get_type";
    public const string GetRecord = "get_record";
}

using Google.Protobuf;
using GovChain.Protocol;
using GovChain.Protocol.Registry;
using GovChain.Protocol.SystemContract;

namespace GovChain.Client.Registries;

/// <summary>
/// The <c>system</c> contract: departments, validators, roles and registry types, changed by a
/// department admin's proposal and executed once more than 2/3 of the departments approve.
/// </summary>
public static class Governance
{
    public const string Contract = "system";

    public static class Methods
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

    /// <summary>Signed by an admin of <paramref name="departmentId"/>.</summary>
    public static ContractCall Propose(string departmentId, GovernanceAction action, string summary = "", ulong expiresAfterBlocks = 0) =>
        new(Contract, Methods.Propose, new ProposeArgs { DepartmentId = departmentId, Action = action, Summary = summary, ExpiresAfterBlocks = expiresAfterBlocks });

    public static ContractCall Approve(ulong proposalId, string departmentId) =>
        new(Contract, Methods.Approve, new ApproveArgs { ProposalId = proposalId, DepartmentId = departmentId });

    public static GovernanceAction AddDepartment(Department department, params IEnumerable<byte[]> admins)
    {
        var add = new AddDepartment { Department = department };
        add.Admins.AddRange(admins.Select(ByteString.CopyFrom));
        return new GovernanceAction { AddDepartment = add };
    }

    public static GovernanceAction RemoveDepartment(string departmentId) =>
        new() { RemoveDepartment = new RemoveDepartment { DepartmentId = departmentId } };

    public static GovernanceAction SetVotingPower(string departmentId, ulong votingPower) =>
        new() { SetVotingPower = new SetVotingPower { DepartmentId = departmentId, VotingPower = votingPower } };

    public static GovernanceAction SetValidatorKey(string departmentId, ReadOnlySpan<byte> validatorKey) =>
        new() { SetValidatorKey = new SetValidatorKey { DepartmentId = departmentId, ValidatorKey = ByteString.CopyFrom(validatorKey) } };

    public static GovernanceAction GrantRole(string role, ReadOnlySpan<byte> holder, string departmentId) =>
        new() { GrantRole = new GrantRole { Grant = new RoleGrant { Role = role, Holder = ByteString.CopyFrom(holder), DepartmentId = departmentId } } };

    public static GovernanceAction RevokeRole(string role, ReadOnlySpan<byte> holder) =>
        new() { RevokeRole = new RevokeRole { Role = role, Holder = ByteString.CopyFrom(holder) } };

    public static GovernanceAction DeployRegistryType(RegistryTypeDefinition definition) =>
        new() { DeployRegistryType = new DeployRegistryType { Definition = definition } };

    public static ContractQuery<Department> GetDepartment(string departmentId) =>
        new(Contract, Methods.GetDepartment, new GetDepartmentArgs { DepartmentId = departmentId }, Department.Parser);

    public static ContractQuery<DepartmentListing> ListDepartments() =>
        new(Contract, Methods.ListDepartments, new ListDepartmentsArgs(), DepartmentListing.Parser);

    public static ContractQuery<RoleHolders> GetRoleHolders(string role) =>
        new(Contract, Methods.GetRoleHolders, new GetRoleHoldersArgs { Role = role }, RoleHolders.Parser);

    public static ContractQuery<RoleCheck> HasRole(string role, ReadOnlySpan<byte> holder) =>
        new(Contract, Methods.HasRole, new HasRoleArgs { Role = role, Holder = ByteString.CopyFrom(holder) }, RoleCheck.Parser);

    public static ContractQuery<GovernanceProposal> GetProposal(ulong proposalId) =>
        new(Contract, Methods.GetProposal, new GetProposalArgs { ProposalId = proposalId }, GovernanceProposal.Parser);

    public static ContractQuery<ValidatorSet> GetValidators() =>
        new(Contract, Methods.GetValidators, new GetValidatorsArgs(), ValidatorSet.Parser);
}

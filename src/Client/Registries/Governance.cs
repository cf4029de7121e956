using GovChain.Protocol;
using GovChain.Protocol.Registry;
using GovChain.Protocol.SystemContract;

namespace GovChain.Client.Registries;

/// <summary>
/// The <c>system</c> contract: departments, validators, roles and registry types, changed by a
/// department admin's proposal and executed once more than 2/3 of the departments approve.
/// The SDK's names for the one set of builders the engine uses too (<see cref="SystemCalls"/>).
/// </summary>
public static class Governance
{
    public const string Contract = ContractNames.System;

    public static class Methods
    {
        public const string Propose = SystemMethods.Propose;
        public const string Approve = SystemMethods.Approve;
        public const string GetDepartment = SystemMethods.GetDepartment;
        public const string ListDepartments = SystemMethods.ListDepartments;
        public const string GetRoleHolders = SystemMethods.GetRoleHolders;
        public const string HasRole = SystemMethods.HasRole;
        public const string GetProposal = SystemMethods.GetProposal;
        public const string GetValidators = SystemMethods.GetValidators;
    }

    /// <inheritdoc cref="SystemCalls.Propose"/>
    public static ContractCall Propose(string departmentId, GovernanceAction action, string summary = "", ulong expiresAfterBlocks = 0) =>
        SystemCalls.Propose(departmentId, action, summary, expiresAfterBlocks);

    /// <inheritdoc cref="SystemCalls.Approve"/>
    public static ContractCall Approve(ulong proposalId, string departmentId) => SystemCalls.Approve(proposalId, departmentId);

    public static GovernanceAction AddDepartment(Department department, params IEnumerable<byte[]> admins) => SystemCalls.AddDepartment(department, admins);

    public static GovernanceAction RemoveDepartment(string departmentId) => SystemCalls.RemoveDepartment(departmentId);

    public static GovernanceAction SetVotingPower(string departmentId, ulong votingPower) => SystemCalls.SetVotingPower(departmentId, votingPower);

    public static GovernanceAction SetValidatorKey(string departmentId, ReadOnlySpan<byte> validatorKey) => SystemCalls.SetValidatorKey(departmentId, validatorKey);

    public static GovernanceAction GrantRole(string role, ReadOnlySpan<byte> holder, string departmentId) => SystemCalls.GrantRole(role, holder, departmentId);

    public static GovernanceAction RevokeRole(string role, ReadOnlySpan<byte> holder) => SystemCalls.RevokeRole(role, holder);

    public static GovernanceAction DeployRegistryType(RegistryTypeDefinition definition) => SystemCalls.DeployRegistryType(definition);

    public static ContractQuery<Department> GetDepartment(string departmentId) => SystemCalls.GetDepartment(departmentId);

    public static ContractQuery<DepartmentListing> ListDepartments() => SystemCalls.ListDepartments();

    public static ContractQuery<RoleHolders> GetRoleHolders(string role) => SystemCalls.GetRoleHolders(role);

    public static ContractQuery<RoleCheck> HasRole(string role, ReadOnlySpan<byte> holder) => SystemCalls.HasRole(role, holder);

    public static ContractQuery<GovernanceProposal> GetProposal(ulong proposalId) => SystemCalls.GetProposal(proposalId);

    public static ContractQuery<ValidatorSet> GetValidators() => SystemCalls.GetValidators();
}

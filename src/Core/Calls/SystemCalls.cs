using Google.Protobuf;
using GovChain.Protocol;
using GovChain.Protocol.Registry;
using GovChain.Protocol.SystemContract;

namespace GovChain;

/// <summary>Builders for the <c>system</c> contract's calls, governance actions and queries.</summary>
public static class SystemCalls
{
    /// <summary>
    /// Approvals a proposal needs with <paramref name="departments"/> departments: the smallest
    /// count above 2/3 of them (one vote per department, whatever its voting power).
    /// </summary>
    public static uint RequiredApprovals(int departments) => (uint)((departments * 2 / 3) + 1);

    /// <summary>Proposes <paramref name="action"/> as admin of <paramref name="departmentId"/>; the result is a ProposalOutcome.</summary>
    public static ContractCall Propose(string departmentId, GovernanceAction action, string summary = "", ulong expiresAfterBlocks = 0) =>
        new(ContractNames.System, SystemMethods.Propose, new ProposeArgs
        {
            DepartmentId = departmentId,
            Action = action,
            Summary = summary,
            ExpiresAfterBlocks = expiresAfterBlocks,
        });

    /// <summary>Approves proposal <paramref name="proposalId"/> for <paramref name="departmentId"/>; the result is a ProposalOutcome.</summary>
    public static ContractCall Approve(ulong proposalId, string departmentId) =>
        new(ContractNames.System, SystemMethods.Approve, new ApproveArgs { ProposalId = proposalId, DepartmentId = departmentId });

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

    /// <summary>Rotates a department's TLS certificate; peers accept the old one for <paramref name="overlapBlocks"/> more blocks.</summary>
    public static GovernanceAction SetTlsCertificate(string departmentId, ReadOnlySpan<byte> certificateDer, ulong overlapBlocks) =>
        new() { SetTlsCertificate = new SetTlsCertificate { DepartmentId = departmentId, TlsCertificate = ByteString.CopyFrom(certificateDer), OverlapBlocks = overlapBlocks } };

    /// <summary>Moves a department's node to <paramref name="endpoint"/> (host:port).</summary>
    public static GovernanceAction SetEndpoint(string departmentId, string endpoint) =>
        new() { SetEndpoint = new SetEndpoint { DepartmentId = departmentId, Endpoint = endpoint } };

    public static GovernanceAction GrantRole(string role, ReadOnlySpan<byte> holder, string departmentId) =>
        new() { GrantRole = new GrantRole { Grant = new RoleGrant { Role = role, Holder = ByteString.CopyFrom(holder), DepartmentId = departmentId } } };

    public static GovernanceAction RevokeRole(string role, ReadOnlySpan<byte> holder) =>
        new() { RevokeRole = new RevokeRole { Role = role, Holder = ByteString.CopyFrom(holder) } };

    public static GovernanceAction DeployRegistryType(RegistryTypeDefinition definition) =>
        new() { DeployRegistryType = new DeployRegistryType { Definition = definition } };

    public static ContractQuery<Department> GetDepartment(string departmentId) =>
        new(ContractNames.System, SystemMethods.GetDepartment, new GetDepartmentArgs { DepartmentId = departmentId }, Department.Parser);

    public static ContractQuery<DepartmentListing> ListDepartments() =>
        new(ContractNames.System, SystemMethods.ListDepartments, new ListDepartmentsArgs(), DepartmentListing.Parser);

    public static ContractQuery<RoleHolders> GetRoleHolders(string role) =>
        new(ContractNames.System, SystemMethods.GetRoleHolders, new GetRoleHoldersArgs { Role = role }, RoleHolders.Parser);

    public static ContractQuery<RoleCheck> HasRole(string role, ReadOnlySpan<byte> holder) =>
        new(ContractNames.System, SystemMethods.HasRole, new HasRoleArgs { Role = role, Holder = ByteString.CopyFrom(holder) }, RoleCheck.Parser);

    public static ContractQuery<GovernanceProposal> GetProposal(ulong proposalId) =>
        new(ContractNames.System, SystemMethods.GetProposal, new GetProposalArgs { ProposalId = proposalId }, GovernanceProposal.Parser);

    public static ContractQuery<ValidatorSet> GetValidators() =>
        new(ContractNames.System, SystemMethods.GetValidators, new GetValidatorsArgs(), ValidatorSet.Parser);
}

using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Registry;
using GovChain.Protocol;
using GovChain.Protocol.Registry;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.SystemContract;

/// <summary>The governance actions: format checks at proposal time, full checks and effects at execution.</summary>
internal sealed partial class GovernanceContract
{
    public const int MaxAdminsPerDepartment = 16;
    public const int MaxDepartmentNameLength = 128;
    public const int MaxEndpointLength = 255;
    public const int MaxTlsCertificateBytes = 8 * 1024;

    /// <summary>Checks that need no state, so a malformed proposal is refused before anyone approves it.</summary>
    private static void CheckActionFormat(GovernanceAction action)
    {
        switch (action.ActionCase)
        {
            case GovernanceAction.ActionOneofCase.AddDepartment:
                CheckNewDepartment(action.AddDepartment);

                // A department nobody can act for would still count towards the 2/3 and could stall governance.
                if (action.AddDepartment.Admins.Count == 0)
                {
                    throw new ContractException(ResultCode.InvalidArgument, "a new department needs at least one admin");
                }

                break;
            case GovernanceAction.ActionOneofCase.RemoveDepartment:
                Identifiers.RequireId(action.RemoveDepartment.DepartmentId, "department_id");
                break;
            case GovernanceAction.ActionOneofCase.SetVotingPower:
                Identifiers.RequireId(action.SetVotingPower.DepartmentId, "department_id");
                CheckPower(action.SetVotingPower.VotingPower);
                break;
            case GovernanceAction.ActionOneofCase.SetValidatorKey:
                Identifiers.RequireId(action.SetValidatorKey.DepartmentId, "department_id");
                Identifiers.RequireKey(action.SetValidatorKey.ValidatorKey, "validator_key");
                break;
            case GovernanceAction.ActionOneofCase.GrantRole:
                var grant = action.GrantRole.Grant ?? throw new ContractException(ResultCode.InvalidArgument, "grant_role needs a grant");
                Identifiers.RequireRoleName(grant.Role, "role");
                Identifiers.RequireKey(grant.Holder, "holder");
                Identifiers.RequireId(grant.DepartmentId, "department_id");
                break;
            case GovernanceAction.ActionOneofCase.RevokeRole:
                Identifiers.RequireRoleName(action.RevokeRole.Role, "role");
                Identifiers.RequireKey(action.RevokeRole.Holder, "holder");
                break;
            case GovernanceAction.ActionOneofCase.DeployRegistryType:
                RegistryDefinitions.RequireValid(action.DeployRegistryType.Definition);
                break;
            case GovernanceAction.ActionOneofCase.SetTlsCertificate:
                {
                    var rotate = action.SetTlsCertificate;
                    Identifiers.RequireId(rotate.DepartmentId, "department_id");
                    if (rotate.TlsCertificate.Length == 0 || rotate.TlsCertificate.Length > MaxTlsCertificateBytes)
                    {
                        throw new ContractException(ResultCode.InvalidArgument, $"tls_certificate must be 1 to {MaxTlsCertificateBytes} bytes");
                    }

                    if (rotate.OverlapBlocks == 0 || rotate.OverlapBlocks > MembershipRules.MaxOverlapBlocks)
                    {
                        throw new ContractException(ResultCode.InvalidArgument, $"overlap_blocks must be 1 to {MembershipRules.MaxOverlapBlocks}");
                    }

                    break;
                }

            case GovernanceAction.ActionOneofCase.SetEndpoint:
                Identifiers.RequireId(action.SetEndpoint.DepartmentId, "department_id");
                MembershipRules.RequireEndpoint(action.SetEndpoint.Endpoint, "endpoint");
                break;
            default:
                throw new ContractException(ResultCode.InvalidArgument, "unknown governance action");
        }
    }

    private static void ExecuteAction(CallContext ctx, GovernanceProposal proposal)
    {
        var action = proposal.Action;
        CheckActionFormat(action);
        MembershipRules.Check(ctx, action);
        switch (action.ActionCase)
        {
            case GovernanceAction.ActionOneofCase.AddDepartment:
                AddDepartment(ctx, action.AddDepartment);
                break;
            case GovernanceAction.ActionOneofCase.RemoveDepartment:
                RemoveDepartment(ctx, action.RemoveDepartment.DepartmentId);
                break;
            case GovernanceAction.ActionOneofCase.SetVotingPower:
                {
                    var department = SystemState.RequireDepartment(ctx, action.SetVotingPower.DepartmentId);
                    department.VotingPower = action.SetVotingPower.VotingPower;
                    ctx.Write(SystemState.DepartmentKey(department.Id), department);
                    ValidatorsChanged(ctx);
                    break;
                }

            case GovernanceAction.ActionOneofCase.SetValidatorKey:
                {
                    var department = SystemState.RequireDepartment(ctx, action.SetValidatorKey.DepartmentId);
                    RequireUnusedValidatorKey(ctx, action.SetValidatorKey.ValidatorKey);
                    department.ValidatorKey = action.SetValidatorKey.ValidatorKey;
                    ctx.Write(SystemState.DepartmentKey(department.Id), department);
                    ValidatorsChanged(ctx);
                    break;
                }

            case GovernanceAction.ActionOneofCase.SetTlsCertificate:
                {
                    var rotate = action.SetTlsCertificate;
                    var department = SystemState.RequireDepartment(ctx, rotate.DepartmentId);
                    if (department.TlsCertificate.Equals(rotate.TlsCertificate))
                    {
                        throw new ContractException(ResultCode.AlreadyExists, $"'{department.Id}' already presents this certificate");
                    }

                    department.PreviousTlsCertificate = department.TlsCertificate;
                    department.PreviousTlsValidUntil = department.TlsCertificate.Length > 0 ? ctx.Block.Height + rotate.OverlapBlocks : 0;
                    department.TlsCertificate = rotate.TlsCertificate;
                    ctx.Write(SystemState.DepartmentKey(department.Id), department);
                    ctx.Emit(ContractNames.System, "tls_certificate_rotated", ("department", department.Id),
                        ("old_accepted_until", department.PreviousTlsValidUntil.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                }

            case GovernanceAction.ActionOneofCase.SetEndpoint:
                {
                    var department = SystemState.RequireDepartment(ctx, action.SetEndpoint.DepartmentId);
                    department.Endpoint = action.SetEndpoint.Endpoint;
                    ctx.Write(SystemState.DepartmentKey(department.Id), department);
                    ctx.Emit(ContractNames.System, "endpoint_changed", ("department", department.Id), ("endpoint", department.Endpoint));
                    break;
                }

            case GovernanceAction.ActionOneofCase.GrantRole:
                SystemRoles.Grant(ctx, action.GrantRole.Grant);
                break;
            case GovernanceAction.ActionOneofCase.RevokeRole:
                SystemRoles.Revoke(ctx, action.RevokeRole.Role, action.RevokeRole.Holder);
                break;
            case GovernanceAction.ActionOneofCase.DeployRegistryType:
                RegistryDefinitions.Deploy(ctx, action.DeployRegistryType.Definition, proposal.DepartmentId, proposal.Id);
                break;
            default:
                throw new ContractException(ResultCode.InvalidArgument, "unknown governance action");
        }
    }

    /// <summary>Adds a department record; shared with genesis seeding.</summary>
    internal static void AddDepartment(CallContext ctx, AddDepartment add)
    {
        CheckNewDepartment(add);
        var department = add.Department;
        var list = SystemState.ReadDepartmentList(ctx);
        if (list.Ids.Contains(department.Id))
        {
            throw new ContractException(ResultCode.AlreadyExists, $"department '{department.Id}' already exists");
        }

        if (list.Ids.Count >= SystemState.MaxDepartments)
        {
            throw new ContractException(ResultCode.LimitExceeded, $"at most {SystemState.MaxDepartments} departments");
        }

        RequireUnusedValidatorKey(ctx, department.ValidatorKey);
        SystemRoles.InsertSorted(ctx, list.Ids, department.Id);
        ctx.Write(SystemState.DepartmentsKey, list);
        ctx.Write(SystemState.DepartmentKey(department.Id), department);
        foreach (var admin in add.Admins)
        {
            SystemRoles.Grant(ctx, new RoleGrant { Role = Roles.DepartmentAdmin, Holder = admin, DepartmentId = department.Id });
        }

        ctx.Emit(ContractNames.System, "department_added", ("department", department.Id));
        ValidatorsChanged(ctx);
    }

    private static void RemoveDepartment(CallContext ctx, string id)
    {
        SystemState.RequireDepartment(ctx, id);
        var list = SystemState.ReadDepartmentList(ctx);
        if (list.Ids.Count <= 1)
        {
            throw new ContractException(ResultCode.InvalidState, "the last department cannot be removed");
        }

        SystemRoles.RevokeAllOf(ctx, id);
        list.Ids.Remove(id);
        ctx.Write(SystemState.DepartmentsKey, list);
        ctx.Delete(SystemState.DepartmentKey(id));
        ctx.Emit(ContractNames.System, "department_removed", ("department", id));
        ValidatorsChanged(ctx);
    }

    private static void CheckNewDepartment(AddDepartment add)
    {
        var d = add.Department ?? throw new ContractException(ResultCode.InvalidArgument, "add_department needs a department");
        Identifiers.RequireId(d.Id, "department id");
        Identifiers.RequireText(d.Name, "department name", MaxDepartmentNameLength);
        Identifiers.RequireKey(d.ValidatorKey, "validator_key");
        CheckPower(d.VotingPower);
        if (d.Endpoint.Length > 0)
        {
            MembershipRules.RequireEndpoint(d.Endpoint, "endpoint");
        }

        if (d.PreviousTlsCertificate.Length > 0 || d.PreviousTlsValidUntil != 0)
        {
            throw new ContractException(ResultCode.InvalidArgument, "a new department has no previous certificate");
        }

        if (d.TlsCertificate.Length > MaxTlsCertificateBytes)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"tls_certificate is at most {MaxTlsCertificateBytes} bytes");
        }

        if (add.Admins.Count > MaxAdminsPerDepartment)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"at most {MaxAdminsPerDepartment} admins per department");
        }

        foreach (var admin in add.Admins)
        {
            Identifiers.RequireKey(admin, "admin");
        }
    }

    private static void CheckPower(ulong power)
    {
        if (power == 0 || power > SystemState.MaxVotingPower)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"voting_power must be 1 to {SystemState.MaxVotingPower}");
        }
    }

    private static void RequireUnusedValidatorKey(CallContext ctx, ByteString key)
    {
        foreach (var department in SystemState.ReadDepartments(ctx))
        {
            if (department.ValidatorKey.Equals(key))
            {
                throw new ContractException(ResultCode.AlreadyExists, $"validator key is already used by department '{department.Id}'");
            }
        }
    }

    /// <summary>Records the new set with its effective height: the next block is still certified by the current set.</summary>
    private static void ValidatorsChanged(CallContext ctx)
    {
        var set = SystemState.ValidatorSetOf(SystemState.ReadDepartments(ctx));
        ctx.Write(SystemState.ValidatorChangeKey, new PendingValidatorSetChange
        {
            EffectiveHeight = ctx.Block.Height + 2,
            Validators = set.ToProto(),
        });
        ctx.ValidatorSetChanged = true;
    }
}

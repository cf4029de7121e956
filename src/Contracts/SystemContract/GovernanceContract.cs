using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.SystemContract;

/// <summary>
/// The <c>system</c> contract. Every change goes through a proposal: a department.admin
/// proposes for its department (which counts as the first approval), admins of other
/// departments approve, and the action executes inside the transaction that brings the
/// approvals above 2/3 of the departments. Departments count one each, not by voting power:
/// governance is an agreement between departments, while power only weighs consensus votes.
/// </summary>
internal sealed partial class GovernanceContract : Contract
{
    public const ulong DefaultLifetimeBlocks = 100_000;
    public const ulong MaxLifetimeBlocks = 1_000_000;
    public const int MaxSummaryLength = 256;

    public override string Name => ContractNames.System;

    public override ByteString Execute(CallContext ctx, string method, ByteString args) => method switch
    {
        SystemMethods.Propose => Propose(ctx, ctx.ParseArgs(args, ProposeArgs.Parser)).ToByteString(),
        SystemMethods.Approve => Approve(ctx, ctx.ParseArgs(args, ApproveArgs.Parser)).ToByteString(),
        _ => throw UnknownMethod(method),
    };

    public override ByteString Query(CallContext ctx, string method, ByteString args)
    {
        switch (method)
        {
            case SystemMethods.GetDepartment:
                {
                    var a = ctx.ParseArgs(args, GetDepartmentArgs.Parser);
                    return SystemState.RequireDepartment(ctx, a.DepartmentId).ToByteString();
                }

            case SystemMethods.ListDepartments:
                {
                    ctx.ParseArgs(args, ListDepartmentsArgs.Parser);
                    var listing = new DepartmentListing();
                    listing.Departments.AddRange(SystemState.ReadDepartments(ctx));
                    return listing.ToByteString();
                }

            case SystemMethods.GetRoleHolders:
                {
                    var a = ctx.ParseArgs(args, GetRoleHoldersArgs.Parser);
                    Identifiers.RequireRoleName(a.Role, "role");
                    return (ctx.Read(SystemState.RoleHoldersKey(a.Role), RoleHolders.Parser) ?? new RoleHolders()).ToByteString();
                }

            case SystemMethods.HasRole:
                {
                    var a = ctx.ParseArgs(args, HasRoleArgs.Parser);
                    Identifiers.RequireRoleName(a.Role, "role");
                    Identifiers.RequireKey(a.Holder, "holder");
                    var grant = SystemState.FindGrant(ctx, a.Role, a.Holder);
                    return new RoleCheck { Granted = grant is not null, DepartmentId = grant?.DepartmentId ?? string.Empty }.ToByteString();
                }

            case SystemMethods.GetProposal:
                {
                    var a = ctx.ParseArgs(args, GetProposalArgs.Parser);
                    return RequireProposal(ctx, a.ProposalId).ToByteString();
                }

            case SystemMethods.GetValidators:
                {
                    ctx.ParseArgs(args, GetValidatorsArgs.Parser);
                    var departments = SystemState.ReadDepartments(ctx);

                    // Only a state without genesis has no departments; answer it rather than fail.
                    return departments.Count == 0 ? ByteString.Empty : SystemState.ValidatorSetOf(departments).ToProto().ToByteString();
                }

            default:
                throw UnknownQuery(method);
        }
    }

    private static ProposalOutcome Propose(CallContext ctx, ProposeArgs args)
    {
        RequireAdminOf(ctx, args.DepartmentId);
        Identifiers.RequireText(args.Summary, "summary", MaxSummaryLength);
        if (args.Action is null || args.Action.ActionCase == GovernanceAction.ActionOneofCase.None)
        {
            throw new ContractException(ResultCode.InvalidArgument, "a proposal needs an action");
        }

        CheckActionFormat(args.Action);
        MembershipRules.Check(ctx, args.Action);
        var lifetime = args.ExpiresAfterBlocks == 0 ? DefaultLifetimeBlocks : args.ExpiresAfterBlocks;
        if (lifetime > MaxLifetimeBlocks)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"expires_after_blocks is at most {MaxLifetimeBlocks}");
        }

        StateKeys.TryDecodeUInt64(ctx.ReadRaw(SystemState.ProposalSeqKey), out var last);
        var id = last + 1;
        ctx.WriteRaw(SystemState.ProposalSeqKey, StateKeys.EncodeUInt64(id));
        var proposal = new GovernanceProposal
        {
            Id = id,
            Proposer = ctx.Sender,
            DepartmentId = args.DepartmentId,
            Action = args.Action,
            Summary = args.Summary,
            Status = GovernanceProposalStatus.Open,
            CreatedHeight = ctx.Block.Height,
            ExpiresHeight = checked(ctx.Block.Height + lifetime),
        };
        proposal.Approvals.Add(args.DepartmentId);
        ctx.Emit(ContractNames.System, "proposal_created", ("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("action", args.Action.ActionCase.ToString()), ("department", args.DepartmentId));
        return TryExecute(ctx, proposal);
    }

    private static ProposalOutcome Approve(CallContext ctx, ApproveArgs args)
    {
        RequireAdminOf(ctx, args.DepartmentId);
        var proposal = RequireProposal(ctx, args.ProposalId);
        if (proposal.Status != GovernanceProposalStatus.Open)
        {
            throw new ContractException(ResultCode.InvalidState, $"proposal {proposal.Id} is {proposal.Status}, not open");
        }

        if (ctx.Block.Height > proposal.ExpiresHeight)
        {
            throw new ContractException(ResultCode.TooLate, $"proposal {proposal.Id} expired at height {proposal.ExpiresHeight}");
        }

        if (proposal.Approvals.Contains(args.DepartmentId))
        {
            throw new ContractException(ResultCode.AlreadyExists, $"department '{args.DepartmentId}' already approved proposal {proposal.Id}");
        }

        SystemRoles.InsertSorted(ctx, proposal.Approvals, args.DepartmentId);
        ctx.Emit(ContractNames.System, "proposal_approved", ("id", proposal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("department", args.DepartmentId));
        return TryExecute(ctx, proposal);
    }

    /// <summary>Counts approvals of departments that still exist; executes the action once above 2/3.</summary>
    private static ProposalOutcome TryExecute(CallContext ctx, GovernanceProposal proposal)
    {
        var departments = SystemState.ReadDepartmentList(ctx).Ids;
        ctx.Meter.Loop(proposal.Approvals.Count);
        var approvals = (uint)proposal.Approvals.Count(departments.Contains);
        var required = SystemCalls.RequiredApprovals(departments.Count);
        var executed = false;
        if (approvals >= required)
        {
            proposal.Status = GovernanceProposalStatus.Executed;
            proposal.ExecutedHeight = ctx.Block.Height;
            ExecuteAction(ctx, proposal);
            executed = true;
            ctx.Emit(ContractNames.System, "proposal_executed", ("id", proposal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        ctx.Write(SystemState.ProposalKey(proposal.Id), proposal);
        return new ProposalOutcome { ProposalId = proposal.Id, Executed = executed, Approvals = approvals, Required = required };
    }

    private static void RequireAdminOf(CallContext ctx, string departmentId)
    {
        SystemState.RequireDepartment(ctx, departmentId);
        var grant = SystemState.RequireRole(ctx, Roles.DepartmentAdmin);
        if (!string.Equals(grant.DepartmentId, departmentId, StringComparison.Ordinal))
        {
            throw new ContractException(ResultCode.Unauthorized, $"signer is department.admin of '{grant.DepartmentId}', not of '{departmentId}'");
        }
    }

    private static GovernanceProposal RequireProposal(CallContext ctx, ulong id) =>
        ctx.Read(SystemState.ProposalKey(id), GovernanceProposal.Parser)
        ?? throw new ContractException(ResultCode.NotFound, $"no proposal {id}");
}

using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Core.Validators;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.SystemContract;

/// <summary>
/// The system contract's state layout and the reads other contracts use to check roles.
/// Keys: "system/departments", "system/department/&lt;id&gt;", "system/roles",
/// "system/role/&lt;role&gt;", "system/grant/&lt;role&gt;/&lt;hex holder&gt;",
/// "system/proposal/&lt;20-digit id&gt;", "system/proposal_seq", "system/validator_change".
/// </summary>
internal static class SystemState
{
    public const int MaxDepartments = 128;
    public const int MaxRoles = 256;
    public const int MaxHoldersPerRole = 1024;
    public const ulong MaxVotingPower = 1UL << 40;

    public static byte[] DepartmentsKey { get; } = RecordKeys.DepartmentIndex();

    public static byte[] RolesKey { get; } = RecordKeys.RoleIndex();

    public static byte[] ProposalSeqKey { get; } = RecordKeys.ProposalSequence();

    public static byte[] ValidatorChangeKey { get; } = RecordKeys.ValidatorChange();

    public static byte[] DepartmentKey(string id) => RecordKeys.Department(id);

    public static byte[] RoleHoldersKey(string role) => RecordKeys.RoleHolders(role);

    public static byte[] GrantKey(string role, ByteString holder) => RecordKeys.RoleGrant(role, holder.Span);

    public static byte[] ProposalKey(ulong id) => RecordKeys.Proposal(id);

    /// <summary>The grant of <paramref name="role"/> to <paramref name="holder"/>, or null.</summary>
    public static RoleGrant? FindGrant(CallContext ctx, string role, ByteString holder)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return ctx.Read(GrantKey(role, holder), RoleGrant.Parser);
    }

    /// <summary>The signer's grant of <paramref name="role"/>; refuses the call when there is none.</summary>
    public static RoleGrant RequireRole(CallContext ctx, string role)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return FindGrant(ctx, role, ctx.Sender)
            ?? throw new ContractException(ResultCode.Unauthorized, $"signer {ShortKey(ctx.Sender)}... does not hold role '{role}'");
    }

    public static DepartmentList ReadDepartmentList(CallContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return ctx.Read(DepartmentsKey, DepartmentList.Parser) ?? new DepartmentList();
    }

    public static Department? FindDepartment(CallContext ctx, string id)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return Identifiers.IsId(id) ? ctx.Read(DepartmentKey(id), Department.Parser) : null;
    }

    public static Department RequireDepartment(CallContext ctx, string id)
    {
        Identifiers.RequireId(id, "department_id");
        return FindDepartment(ctx, id)
            ?? throw new ContractException(ResultCode.NotFound, $"no department '{id}'");
    }

    /// <summary>All departments in id order.</summary>
    public static List<Department> ReadDepartments(CallContext ctx)
    {
        var ids = ReadDepartmentList(ctx).Ids;
        ctx.Meter.Loop(ids.Count);
        var result = new List<Department>(ids.Count);
        foreach (var id in ids)
        {
            result.Add(ctx.Read(DepartmentKey(id), Department.Parser)
                ?? throw new InvalidOperationException($"Department '{id}' is listed but has no record."));
        }

        return result;
    }

    /// <summary>All departments in id order, read outside any call (the node's peer layer follows them).</summary>
    public static List<Department> ReadDepartments(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var list = state.Get(DepartmentsKey) is { } bytes ? DepartmentList.Parser.ParseFrom(bytes) : new DepartmentList();
        var result = new List<Department>(list.Ids.Count);
        foreach (var id in list.Ids)
        {
            if (state.Get(DepartmentKey(id)) is { } record)
            {
                result.Add(Department.Parser.ParseFrom(record));
            }
        }

        return result;
    }

    /// <summary>The validator set implied by the departments, in canonical order.</summary>
    public static WeightedValidatorSet ValidatorSetOf(IEnumerable<Department> departments) =>
        new(departments.Select(d => new Validator { DepartmentId = d.Id, PublicKey = d.ValidatorKey, VotingPower = d.VotingPower }));

    /// <summary>The pending validator change recorded by the last executed validator-changing proposal.</summary>
    public static ValidatorSetUpdate? ReadValidatorUpdate(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = state.Get(ValidatorChangeKey);
        if (bytes is null)
        {
            return null;
        }

        var change = PendingValidatorSetChange.Parser.ParseFrom(bytes);
        return new ValidatorSetUpdate(change.EffectiveHeight, new WeightedValidatorSet(change.Validators.Validators));
    }

    internal static string ShortKey(ByteString key) => key.Length >= 8 ? Hex.Encode(key.Span[..8]) : Hex.Encode(key.Span);
}

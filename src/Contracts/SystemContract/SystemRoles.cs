using Google.Protobuf;
using Google.Protobuf.Collections;
using GovChain.Contracts.Engine;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.SystemContract;

/// <summary>
/// Granting and revoking roles. Three records stay in step: the grant itself (for O(1)
/// checks on every write), the sorted holder list of the role, and the sorted list of roles
/// in use (for listing and for removing a department's grants without range scans).
/// </summary>
internal static class SystemRoles
{
    public static void Grant(CallContext ctx, RoleGrant grant)
    {
        Identifiers.RequireRoleName(grant.Role, "role");
        Identifiers.RequireKey(grant.Holder, "holder");
        SystemState.RequireDepartment(ctx, grant.DepartmentId);
        var grantKey = SystemState.GrantKey(grant.Role, grant.Holder);
        var existing = ctx.Read(grantKey, RoleGrant.Parser);
        if (existing is not null)
        {
            throw new ContractException(ResultCode.AlreadyExists, $"{SystemState.ShortKey(grant.Holder)}... already holds '{grant.Role}' for department '{existing.DepartmentId}'");
        }

        var stored = new RoleGrant { Role = grant.Role, Holder = grant.Holder, DepartmentId = grant.DepartmentId };
        ctx.Write(grantKey, stored);

        var holdersKey = SystemState.RoleHoldersKey(grant.Role);
        var holders = ctx.Read(holdersKey, RoleHolders.Parser) ?? new RoleHolders();
        if (holders.Grants.Count >= SystemState.MaxHoldersPerRole)
        {
            throw new ContractException(ResultCode.LimitExceeded, $"role '{grant.Role}' already has {SystemState.MaxHoldersPerRole} holders");
        }

        if (holders.Grants.Count == 0)
        {
            var roles = ctx.Read(SystemState.RolesKey, RoleList.Parser) ?? new RoleList();
            if (roles.Roles.Count >= SystemState.MaxRoles)
            {
                throw new ContractException(ResultCode.LimitExceeded, $"at most {SystemState.MaxRoles} roles may be in use");
            }

            InsertSorted(ctx, roles.Roles, grant.Role);
            ctx.Write(SystemState.RolesKey, roles);
        }

        ctx.Meter.Loop(holders.Grants.Count);
        var at = 0;
        while (at < holders.Grants.Count && holders.Grants[at].Holder.Span.SequenceCompareTo(grant.Holder.Span) < 0)
        {
            at++;
        }

        holders.Grants.Insert(at, stored);
        ctx.Write(holdersKey, holders);
        ctx.Emit(ContractNames.System, "role_granted", ("role", grant.Role), ("holder", Identifiers.KeyHex(grant.Holder)), ("department", grant.DepartmentId));
    }

    public static void Revoke(CallContext ctx, string role, ByteString holder)
    {
        Identifiers.RequireRoleName(role, "role");
        Identifiers.RequireKey(holder, "holder");
        var grantKey = SystemState.GrantKey(role, holder);
        if (!ctx.Exists(grantKey))
        {
            throw new ContractException(ResultCode.NotFound, $"{SystemState.ShortKey(holder)}... does not hold '{role}'");
        }

        ctx.Delete(grantKey);
        var holdersKey = SystemState.RoleHoldersKey(role);
        var holders = ctx.Read(holdersKey, RoleHolders.Parser) ?? new RoleHolders();
        ctx.Meter.Loop(holders.Grants.Count);
        for (var i = 0; i < holders.Grants.Count; i++)
        {
            if (holders.Grants[i].Holder.Equals(holder))
            {
                holders.Grants.RemoveAt(i);
                break;
            }
        }

        if (holders.Grants.Count == 0)
        {
            ctx.Delete(holdersKey);
            var roles = ctx.Read(SystemState.RolesKey, RoleList.Parser) ?? new RoleList();
            roles.Roles.Remove(role);
            ctx.Write(SystemState.RolesKey, roles);
        }
        else
        {
            ctx.Write(holdersKey, holders);
        }

        ctx.Emit(ContractNames.System, "role_revoked", ("role", role), ("holder", Identifiers.KeyHex(holder)));
    }

    /// <summary>
    /// Revokes every grant held for <paramref name="departmentId"/>: each role's holder list is
    /// rewritten once, not once per holder, and one summary event is emitted, because a
    /// department may hold more grants than a transaction may emit events.
    /// </summary>
    public static void RevokeAllOf(CallContext ctx, string departmentId)
    {
        var roles = ctx.Read(SystemState.RolesKey, RoleList.Parser) ?? new RoleList();
        ctx.Meter.Loop(roles.Roles.Count);
        var revoked = 0;
        var rolesChanged = false;
        foreach (var role in roles.Roles.ToArray())
        {
            var holdersKey = SystemState.RoleHoldersKey(role);
            var holders = ctx.Read(holdersKey, RoleHolders.Parser) ?? new RoleHolders();
            ctx.Meter.Loop(holders.Grants.Count);
            var kept = new RoleHolders();
            foreach (var grant in holders.Grants)
            {
                if (string.Equals(grant.DepartmentId, departmentId, StringComparison.Ordinal))
                {
                    ctx.Delete(SystemState.GrantKey(role, grant.Holder));
                    revoked++;
                }
                else
                {
                    kept.Grants.Add(grant);
                }
            }

            if (kept.Grants.Count == holders.Grants.Count)
            {
                continue;
            }

            if (kept.Grants.Count == 0)
            {
                ctx.Delete(holdersKey);
                roles.Roles.Remove(role);
                rolesChanged = true;
            }
            else
            {
                ctx.Write(holdersKey, kept);
            }
        }

        if (rolesChanged)
        {
            ctx.Write(SystemState.RolesKey, roles);
        }

        ctx.Emit(ContractNames.System, "department_roles_revoked", ("department", departmentId), ("count", revoked.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public static void InsertSorted(CallContext ctx, RepeatedField<string> list, string value)
    {
        ctx.Meter.Loop(list.Count);
        var at = 0;
        while (at < list.Count && string.CompareOrdinal(list[at], value) < 0)
        {
            at++;
        }

        list.Insert(at, value);
    }
}

using GovChain.Contracts.Engine;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.SystemContract;

/// <summary>
/// What a membership change may not do, checked on the departments as they would be after it:
/// at proposal time (so nobody approves a doomed change) and again at execution (the state may
/// have moved meanwhile). The rule that matters: the departments whose nodes keep running
/// unchanged — every department with an endpoint except the one the change makes start, switch
/// keys, restart with a new certificate or move — must hold more than 2/3 of the new voting
/// power, so the network keeps committing while that one node catches up. A chain where no
/// department registers an endpoint has no peer network (one process) and is exempt.
/// </summary>
internal static class MembershipRules
{
    public const ulong MaxOverlapBlocks = 100_000;

    /// <summary>Refuses <paramref name="action"/> with a reason when the membership after it breaks a rule; other actions pass.</summary>
    public static void Check(CallContext ctx, GovernanceAction action)
    {
        var current = SystemState.ReadDepartments(ctx);
        if (Preview(current, action) is not var (after, touched))
        {
            return;
        }

        RequireDistinct(after);
        RequireCertificatesEverywhereOrNowhere(after);
        RequireQuorumWithout(after, touched);
    }

    /// <summary>The departments after <paramref name="action"/> and the one whose node it makes (re)start; null for actions that do not change membership.</summary>
    internal static (List<Department> After, string? Touched)? Preview(List<Department> current, GovernanceAction action)
    {
        switch (action.ActionCase)
        {
            case GovernanceAction.ActionOneofCase.AddDepartment:
                return ([.. current, action.AddDepartment.Department], action.AddDepartment.Department.Id);
            case GovernanceAction.ActionOneofCase.RemoveDepartment:
                return (current.Where(d => d.Id != action.RemoveDepartment.DepartmentId).ToList(), null);
            case GovernanceAction.ActionOneofCase.SetVotingPower:
                return (Replace(current, action.SetVotingPower.DepartmentId, d => d.VotingPower = action.SetVotingPower.VotingPower), null);
            case GovernanceAction.ActionOneofCase.SetValidatorKey:
                return (Replace(current, action.SetValidatorKey.DepartmentId, d => d.ValidatorKey = action.SetValidatorKey.ValidatorKey), action.SetValidatorKey.DepartmentId);
            case GovernanceAction.ActionOneofCase.SetTlsCertificate:
                return (Replace(current, action.SetTlsCertificate.DepartmentId, d => d.TlsCertificate = action.SetTlsCertificate.TlsCertificate), action.SetTlsCertificate.DepartmentId);
            case GovernanceAction.ActionOneofCase.SetEndpoint:
                return (Replace(current, action.SetEndpoint.DepartmentId, d => d.Endpoint = action.SetEndpoint.Endpoint), action.SetEndpoint.DepartmentId);
            default:
                return null;
        }
    }

    /// <summary>host:port with a port of 1 to 65535, as genesis requires.</summary>
    public static void RequireEndpoint(string endpoint, string field)
    {
        Identifiers.RequireText(endpoint, field, GovernanceContract.MaxEndpointLength);
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(endpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"{field} '{Identifiers.Clip(endpoint)}' is not host:port");
        }
    }

    private static List<Department> Replace(List<Department> current, string id, Action<Department> change)
    {
        var result = new List<Department>(current.Count);
        foreach (var d in current)
        {
            if (d.Id == id)
            {
                var changed = d.Clone();
                change(changed);
                result.Add(changed);
            }
            else
            {
                result.Add(d);
            }
        }

        return result;
    }

    // Two departments behind one endpoint or one certificate could not be told apart by their peers.
    private static void RequireDistinct(List<Department> after)
    {
        for (var i = 0; i < after.Count; i++)
        {
            for (var j = i + 1; j < after.Count; j++)
            {
                if (after[i].Endpoint.Length > 0 && after[i].Endpoint == after[j].Endpoint)
                {
                    throw new ContractException(ResultCode.AlreadyExists, $"departments '{after[i].Id}' and '{after[j].Id}' would share the endpoint {after[i].Endpoint}");
                }

                if (after[i].TlsCertificate.Length > 0 && after[i].TlsCertificate.Equals(after[j].TlsCertificate))
                {
                    throw new ContractException(ResultCode.AlreadyExists, $"departments '{after[i].Id}' and '{after[j].Id}' would share one TLS certificate");
                }
            }
        }
    }

    // Peers pin each other's certificates under mutual TLS: one department without one could reach nobody.
    private static void RequireCertificatesEverywhereOrNowhere(List<Department> after)
    {
        var without = after.Where(d => d.TlsCertificate.Length == 0).Select(d => d.Id).ToList();
        if (without.Count > 0 && without.Count < after.Count)
        {
            throw new ContractException(ResultCode.InvalidState,
                $"the departments pin TLS certificates, so every department needs one; none for: {string.Join(", ", without)}");
        }
    }

    private static void RequireQuorumWithout(List<Department> after, string? touched)
    {
        if (!after.Any(d => d.Endpoint.Length > 0))
        {
            return;
        }

        ulong total = 0;
        ulong steady = 0;
        foreach (var d in after)
        {
            total += d.VotingPower;
            if (d.Endpoint.Length > 0 && d.Id != touched)
            {
                steady += d.VotingPower;
            }
        }

        // Powers are at most 2^40 and departments at most 128: no overflow.
        if (steady * 3 <= total * 2)
        {
            var without = touched is null ? "the departments with an endpoint" : $"the departments with an endpoint other than '{touched}' (whose node must start, restart or move)";
            throw new ContractException(ResultCode.InvalidState,
                $"the network could stop committing: {without} would hold {steady} of {total} voting power, not more than 2/3");
        }
    }
}

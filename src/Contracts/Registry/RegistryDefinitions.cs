using GovChain.Contracts.Engine;
using GovChain.Protocol.Registry;

namespace GovChain.Contracts.Registry;

/// <summary>
/// Validation and deployment of declarative registry types. A definition is checked in full
/// before anyone may approve it and again when it is deployed: names, field types, that every
/// state and field a transition names exists, and that records can be created at all.
/// </summary>
public static class RegistryDefinitions
{
    public const int MaxFields = 32;
    public const int MaxStates = 16;
    public const int MaxTransitions = 32;
    public const int MaxRolesPerTransition = 8;
    public const int MaxDescriptionLength = 512;
    public const uint DefaultStringLength = 256;
    public const uint MaxStringLength = 1024;

    internal static byte[] TypeKey(string name) => RecordKeys.RegistryType(name);

    internal static byte[] RecordKey(string type, string id) => RecordKeys.RegistryRecord(type, id);

    /// <summary>Every problem found, in definition order; empty when the definition is valid.</summary>
    public static IReadOnlyList<string> Validate(RegistryTypeDefinition? definition)
    {
        var problems = new List<string>();
        if (definition is null)
        {
            problems.Add("a definition is required");
            return problems;
        }

        if (!Identifiers.IsName(definition.Name))
        {
            problems.Add($"type name '{Identifiers.Clip(definition.Name)}' must be 1 to 32 characters of [a-z0-9_] starting with a letter");
        }

        if (definition.Description.Length > MaxDescriptionLength)
        {
            problems.Add($"description is longer than {MaxDescriptionLength} characters");
        }

        var fields = new SortedDictionary<string, RegistryFieldDefinition>(StringComparer.Ordinal);
        CheckCount(problems, "fields", definition.Fields.Count, MaxFields);
        foreach (var field in definition.Fields)
        {
            if (!Identifiers.IsName(field.Name))
            {
                problems.Add($"field name '{Identifiers.Clip(field.Name)}' is not a valid name");
            }
            else if (!fields.TryAdd(field.Name, field))
            {
                problems.Add($"field '{field.Name}' is defined twice");
            }

            if (field.Type is RegistryFieldType.Unspecified || !Enum.IsDefined(field.Type))
            {
                problems.Add($"field '{Identifiers.Clip(field.Name)}' has no valid type");
            }

            if (field.Type == RegistryFieldType.String ? field.MaxLength > MaxStringLength : field.MaxLength != 0)
            {
                problems.Add($"field '{Identifiers.Clip(field.Name)}': max_length is 0 to {MaxStringLength} and only for strings");
            }
        }

        var states = new SortedSet<string>(StringComparer.Ordinal);
        CheckCount(problems, "states", definition.States.Count, MaxStates);
        foreach (var state in definition.States)
        {
            if (!Identifiers.IsName(state))
            {
                problems.Add($"state '{Identifiers.Clip(state)}' is not a valid name");
            }
            else if (!states.Add(state))
            {
                problems.Add($"state '{state}' is listed twice");
            }
        }

        if (definition.OwnerField.Length > 0 &&
            (!fields.TryGetValue(definition.OwnerField, out var owner) || owner.Type != RegistryFieldType.PublicKey))
        {
            problems.Add($"owner_field '{Identifiers.Clip(definition.OwnerField)}' must name a PUBLIC_KEY field");
        }

        CheckCount(problems, "transitions", definition.Transitions.Count, MaxTransitions);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var creating = 0;
        foreach (var t in definition.Transitions)
        {
            var label = $"transition '{Identifiers.Clip(t.Name)}'";
            if (!Identifiers.IsName(t.Name))
            {
                problems.Add($"{label}: not a valid name");
            }
            else if (!names.Add(t.Name))
            {
                problems.Add($"{label}: defined twice");
            }

            if (t.FromStates.Count == 0)
            {
                creating++;
                if (t.AllowOwner || t.Roles.Count == 0)
                {
                    problems.Add($"{label}: a creating transition needs roles and cannot rely on an owner who does not exist yet");
                }
            }

            if (t.FromStates.Distinct(StringComparer.Ordinal).Count() != t.FromStates.Count)
            {
                problems.Add($"{label}: a from state is listed twice");
            }

            problems.AddRange(t.FromStates.Where(s => !states.Contains(s)).Select(s => $"{label}: unknown from state '{Identifiers.Clip(s)}'"));
            if (!states.Contains(t.ToState))
            {
                problems.Add($"{label}: unknown to state '{Identifiers.Clip(t.ToState)}'");
            }

            if (t.Roles.Count > MaxRolesPerTransition)
            {
                problems.Add($"{label}: at most {MaxRolesPerTransition} roles");
            }

            problems.AddRange(t.Roles.Where(r => !Identifiers.IsRoleName(r)).Select(r => $"{label}: role '{Identifiers.Clip(r)}' is not a valid role name"));
            if (t.Roles.Count == 0 && !t.AllowOwner)
            {
                problems.Add($"{label}: nobody may perform it (no roles, no owner)");
            }

            if (t.AllowOwner && definition.OwnerField.Length == 0)
            {
                problems.Add($"{label}: allow_owner needs the type's owner_field");
            }

            if (t.SetFields.Distinct(StringComparer.Ordinal).Count() != t.SetFields.Count)
            {
                problems.Add($"{label}: a set field is listed twice");
            }

            problems.AddRange(t.SetFields.Where(f => !fields.ContainsKey(f)).Select(f => $"{label}: unknown field '{Identifiers.Clip(f)}'"));
        }

        if (definition.Transitions.Count > 0 && creating == 0)
        {
            problems.Add("no transition creates records (one needs empty from_states)");
        }

        return problems;
    }

    internal static void RequireValid(RegistryTypeDefinition? definition)
    {
        var problems = Validate(definition);
        if (problems.Count > 0)
        {
            var shown = string.Join("; ", problems.Take(5));
            var more = problems.Count > 5 ? $" (and {problems.Count - 5} more)" : string.Empty;
            throw new ContractException(ResultCode.InvalidArgument, $"invalid registry type: {shown}{more}");
        }
    }

    internal static void Deploy(CallContext ctx, RegistryTypeDefinition definition, string departmentId, ulong proposalId)
    {
        RequireValid(definition);
        var key = TypeKey(definition.Name);
        if (ctx.Exists(key))
        {
            throw new ContractException(ResultCode.AlreadyExists, $"registry type '{definition.Name}' is already deployed");
        }

        ctx.Meter.Loop(definition.Fields.Count + definition.States.Count + definition.Transitions.Count);
        ctx.Write(key, new RegistryTypeRecord
        {
            Definition = definition,
            DepartmentId = departmentId,
            ProposalId = proposalId,
            DeployedHeight = ctx.Block.Height,
        });
        ctx.Emit(ContractNames.Registry, "type_deployed", ("type", definition.Name), ("department", departmentId));
    }

    private static void CheckCount(List<string> problems, string what, int count, int max)
    {
        if (count == 0 || count > max)
        {
            problems.Add($"{what}: 1 to {max} required, got {count}");
        }
    }
}

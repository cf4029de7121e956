using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.SystemContract;
using GovChain.Protocol.Registry;

namespace GovChain.Contracts.Registry;

/// <summary>
/// The <c>registry</c> contract: runs the transitions of deployed declarative types. The
/// type's definition is the whole rule book: who may perform a transition, from which
/// states, and which fields it may set.
/// </summary>
internal sealed class RegistryContract : Contract
{
    public const int MaxFieldsPerCall = RegistryDefinitions.MaxFields;

    public override string Name => ContractNames.Registry;

    public override ByteString Execute(CallContext ctx, string method, ByteString args) => method switch
    {
        RegistryMethods.Apply => Apply(ctx, ctx.ParseArgs(args, ApplyTransitionArgs.Parser)).ToByteString(),
        _ => throw UnknownMethod(method),
    };

    public override ByteString Query(CallContext ctx, string method, ByteString args)
    {
        switch (method)
        {
            case RegistryMethods.GetRecordType:
                return RequireType(ctx, ctx.ParseArgs(args, GetRegistryTypeArgs.Parser).Type).ToByteString();
            case RegistryMethods.GetRecord:
                {
                    var a = ctx.ParseArgs(args, GetRegistryRecordArgs.Parser);
                    RequireType(ctx, a.Type);
                    Identifiers.RequireId(a.RecordId, "record_id");
                    return (ctx.Read(RegistryDefinitions.RecordKey(a.Type, a.RecordId), RegistryRecord.Parser)
                        ?? throw new ContractException(ResultCode.NotFound, $"no {a.Type} record '{a.RecordId}'")).ToByteString();
                }

            default:
                throw UnknownQuery(method);
        }
    }

    private static ApplyTransitionResult Apply(CallContext ctx, ApplyTransitionArgs args)
    {
        var type = RequireType(ctx, args.Type).Definition;
        Identifiers.RequireId(args.RecordId, "record_id");
        ctx.Meter.Loop(type.Transitions.Count);
        var transition = type.Transitions.FirstOrDefault(t => string.Equals(t.Name, args.Transition, StringComparison.Ordinal))
            ?? throw new ContractException(ResultCode.InvalidArgument, $"type '{type.Name}' has no transition '{Identifiers.Clip(args.Transition)}'");
        if (args.Fields.Count > MaxFieldsPerCall)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"at most {MaxFieldsPerCall} fields per call");
        }

        var key = RegistryDefinitions.RecordKey(type.Name, args.RecordId);
        var record = ctx.Read(key, RegistryRecord.Parser);
        var creating = transition.FromStates.Count == 0;
        if (creating && record is not null)
        {
            throw new ContractException(ResultCode.AlreadyExists, $"{type.Name} record '{args.RecordId}' already exists");
        }

        if (!creating)
        {
            if (record is null)
            {
                throw new ContractException(ResultCode.NotFound, $"no {type.Name} record '{args.RecordId}'");
            }

            if (!transition.FromStates.Contains(record.State))
            {
                throw new ContractException(ResultCode.InvalidState, $"transition '{transition.Name}' does not apply to a record in state '{record.State}'");
            }
        }

        RequirePermission(ctx, type, transition, record);
        record ??= new RegistryRecord { Type = type.Name, Id = args.RecordId, CreatedHeight = ctx.Block.Height };
        SetFields(ctx, type, transition, record, args.Fields);
        ctx.Meter.Loop(type.Fields.Count);
        foreach (var field in type.Fields.Where(f => f.Required))
        {
            if (FindValue(record, field.Name) is null)
            {
                throw new ContractException(ResultCode.InvalidArgument, $"required field '{field.Name}' has no value after '{transition.Name}'");
            }
        }

        record.State = transition.ToState;
        record.Version++;
        record.UpdatedHeight = ctx.Block.Height;
        record.LastActor = ctx.Sender;
        record.LastTxId = ctx.TxId;
        var stored = record.ToByteArray();
        ctx.WriteRaw(key, stored);
        ctx.Emit(ContractNames.Registry, "record_transition", ("type", type.Name), ("record", record.Id), ("transition", transition.Name), ("state", record.State));

        // The record may be ~100 KB; its hash keeps every receipt (and so every block's receipts) small.
        return new ApplyTransitionResult
        {
            RecordHash = UnsafeByteOperations.UnsafeWrap(System.Security.Cryptography.SHA256.HashData(stored)),
            State = record.State,
            Version = record.Version,
        };
    }

    private static void RequirePermission(CallContext ctx, RegistryTypeDefinition type, RegistryTransitionDefinition transition, RegistryRecord? record)
    {
        if (transition.AllowOwner && record is not null)
        {
            var owner = FindValue(record, type.OwnerField);
            if (owner is not null && owner.BytesValue.Equals(ctx.Sender))
            {
                return;
            }
        }

        ctx.Meter.Loop(transition.Roles.Count);
        foreach (var role in transition.Roles)
        {
            if (SystemState.FindGrant(ctx, role, ctx.Sender) is not null)
            {
                return;
            }
        }

        throw new ContractException(ResultCode.Unauthorized, $"transition '{transition.Name}' needs one of the roles [{string.Join(", ", transition.Roles)}]{(transition.AllowOwner ? " or the owner" : string.Empty)}");
    }

    private static void SetFields(CallContext ctx, RegistryTypeDefinition type, RegistryTransitionDefinition transition, RegistryRecord record, IEnumerable<RegistryFieldValue> values)
    {
        foreach (var value in values)
        {
            ctx.Meter.Loop(type.Fields.Count + transition.SetFields.Count + record.Fields.Count);
            var field = type.Fields.FirstOrDefault(f => string.Equals(f.Name, value.Name, StringComparison.Ordinal))
                ?? throw new ContractException(ResultCode.InvalidArgument, $"type '{type.Name}' has no field '{Identifiers.Clip(value.Name)}'");
            if (!transition.SetFields.Contains(field.Name))
            {
                throw new ContractException(ResultCode.Unauthorized, $"transition '{transition.Name}' may not set field '{field.Name}'");
            }

            CheckValue(field, value);
            var at = 0;
            while (at < record.Fields.Count && string.CompareOrdinal(record.Fields[at].Name, field.Name) < 0)
            {
                at++;
            }

            if (at < record.Fields.Count && record.Fields[at].Name == field.Name)
            {
                record.Fields[at] = value.Clone();
            }
            else
            {
                record.Fields.Insert(at, value.Clone());
            }
        }
    }

    private static void CheckValue(RegistryFieldDefinition field, RegistryFieldValue value)
    {
        var ok = field.Type switch
        {
            RegistryFieldType.String => value.ValueCase == RegistryFieldValue.ValueOneofCase.StringValue &&
                value.StringValue.Length <= (field.MaxLength == 0 ? RegistryDefinitions.DefaultStringLength : field.MaxLength),
            RegistryFieldType.Uint64 => value.ValueCase == RegistryFieldValue.ValueOneofCase.Uint64Value,
            RegistryFieldType.Bool => value.ValueCase == RegistryFieldValue.ValueOneofCase.BoolValue,
            RegistryFieldType.Hash or RegistryFieldType.PublicKey =>
                value.ValueCase == RegistryFieldValue.ValueOneofCase.BytesValue && value.BytesValue.Length == Identifiers.KeyBytes,
            _ => false,
        };
        if (!ok)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"field '{field.Name}' needs a valid {field.Type} value");
        }
    }

    private static RegistryFieldValue? FindValue(RegistryRecord record, string name)
    {
        foreach (var v in record.Fields)
        {
            if (string.Equals(v.Name, name, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }

    private static RegistryTypeRecord RequireType(CallContext ctx, string name)
    {
        if (!Identifiers.IsName(name))
        {
            throw new ContractException(ResultCode.InvalidArgument, $"'{Identifiers.Clip(name)}' is not a registry type name");
        }

        return ctx.Read(RegistryDefinitions.TypeKey(name), RegistryTypeRecord.Parser)
            ?? throw new ContractException(ResultCode.NotFound, $"no registry type '{name}'");
    }
}

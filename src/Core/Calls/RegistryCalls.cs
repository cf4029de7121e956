using GovChain.Protocol.Registry;

namespace GovChain;

/// <summary>Builders for the declarative <c>registry</c> contract's calls and queries.</summary>
public static class RegistryCalls
{
    /// <summary>Performs <paramref name="transition"/> on a record (creating it when the transition creates); result: the RegistryRecord.</summary>
    public static ContractCall Apply(string type, string recordId, string transition, params IEnumerable<RegistryFieldValue> fields)
    {
        var args = new ApplyTransitionArgs { Type = type, RecordId = recordId, Transition = transition };
        args.Fields.AddRange(fields);
        return new ContractCall(ContractNames.Registry, RegistryMethods.Apply, args);
    }

    public static RegistryFieldValue Text(string name, string value) => new() { Name = name, StringValue = value };

    public static RegistryFieldValue Number(string name, ulong value) => new() { Name = name, Uint64Value = value };

    public static RegistryFieldValue Flag(string name, bool value) => new() { Name = name, BoolValue = value };

    /// <summary>A HASH or PUBLIC_KEY value.</summary>
    public static RegistryFieldValue Bytes(string name, ReadOnlySpan<byte> value) =>
        new() { Name = name, BytesValue = Google.Protobuf.ByteString.CopyFrom(value) };

    public static ContractQuery<RegistryTypeRecord> GetRecordType(string type) =>
        new(ContractNames.Registry, RegistryMethods.GetRecordType, new GetRegistryTypeArgs { Type = type }, RegistryTypeRecord.Parser);

    public static ContractQuery<RegistryRecord> GetRecord(string type, string recordId) =>
        new(ContractNames.Registry, RegistryMethods.GetRecord, new GetRegistryRecordArgs { Type = type, RecordId = recordId }, RegistryRecord.Parser);
}

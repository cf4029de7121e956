using Google.Protobuf;
using GovChain.Protocol.Registry;

namespace GovChain.Client.Registries;

/// <summary>The declarative <c>registry</c> contract: record types deployed by governance, records moved through their transitions.</summary>
public static class RecordRegistry
{
    public const string Contract = "registry";

    public static class Methods
    {
        public const string Apply = "apply";
        public const string GetRecordType = "get_type";
        public const string GetRecord = "get_record";
    }

    /// <summary>Performs <paramref name="transition"/> on a record (creating it when the transition creates).</summary>
    public static ContractCall Apply(string type, string recordId, string transition, params IEnumerable<RegistryFieldValue> fields)
    {
        var args = new ApplyTransitionArgs { Type = type, RecordId = recordId, Transition = transition };
        args.Fields.AddRange(fields);
        return new ContractCall(Contract, Methods.Apply, args);
    }

    public static RegistryFieldValue Text(string name, string value) => new() { Name = name, StringValue = value };

    public static RegistryFieldValue Number(string name, ulong value) => new() { Name = name, Uint64Value = value };

    public static RegistryFieldValue Flag(string name, bool value) => new() { Name = name, BoolValue = value };

    /// <summary>A HASH or PUBLIC_KEY value.</summary>
    public static RegistryFieldValue Bytes(string name, ReadOnlySpan<byte> value) => new() { Name = name, BytesValue = ByteString.CopyFrom(value) };

    public static ContractQuery<RegistryTypeRecord> GetRecordType(string type) =>
        new(Contract, Methods.GetRecordType, new GetRegistryTypeArgs { Type = type }, RegistryTypeRecord.Parser);

    public static ContractQuery<RegistryRecord> GetRecord(string type, string recordId) =>
        new(Contract, Methods.GetRecord, new GetRegistryRecordArgs { Type = type, RecordId = recordId }, RegistryRecord.Parser);
}

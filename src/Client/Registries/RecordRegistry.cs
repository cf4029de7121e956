using GovChain.Protocol.Registry;

namespace GovChain.Client.Registries;

/// <summary>
/// The declarative <c>registry</c> contract: record types deployed by governance, records moved through their transitions.
/// The SDK's names for the one set of builders the engine uses too (<see cref="RegistryCalls"/>).
/// </summary>
public static class RecordRegistry
{
    public const string Contract = ContractNames.Registry;

    public static class Methods
    {
        public const string Apply = RegistryMethods.Apply;
        public const string GetRecordType = RegistryMethods.GetRecordType;
        public const string GetRecord = RegistryMethods.GetRecord;
    }

    /// <inheritdoc cref="RegistryCalls.Apply"/>
    public static ContractCall Apply(string type, string recordId, string transition, params IEnumerable<RegistryFieldValue> fields) =>
        RegistryCalls.Apply(type, recordId, transition, fields);

    public static RegistryFieldValue Text(string name, string value) => RegistryCalls.Text(name, value);

    public static RegistryFieldValue Number(string name, ulong value) => RegistryCalls.Number(name, value);

    public static RegistryFieldValue Flag(string name, bool value) => RegistryCalls.Flag(name, value);

    /// <inheritdoc cref="RegistryCalls.Bytes"/>
    public static RegistryFieldValue Bytes(string name, ReadOnlySpan<byte> value) => RegistryCalls.Bytes(name, value);

    public static ContractQuery<RegistryTypeRecord> GetRecordType(string type) => RegistryCalls.GetRecordType(type);

    public static ContractQuery<RegistryRecord> GetRecord(string type, string recordId) => RegistryCalls.GetRecord(type, recordId);
}

using Google.Protobuf;
using Google.Protobuf.Reflection;
using GovChain.Client;
using GovChain.Client.Registries;

namespace GovChain.Cli.Registry;

/// <summary>
/// The result message of each query of the registry catalogue, taken from the SDK's typed
/// query builders (the catalogue itself knows only the argument types), so that the generic
/// <c>govchain query</c> can print any answer as JSON.
/// </summary>
internal static class QueryResultTypes
{
    private static readonly Dictionary<(string Contract, string Method), MessageDescriptor> Results = new[]
    {
        Of(LandRegistry.GetParcel(string.Empty)),
        Of(LandRegistry.GetHistory(string.Empty)),
        Of(IdentityRegistry.GetIdentity(default)),
        Of(IdentityRegistry.GetCredential(string.Empty)),
        Of(IdentityRegistry.VerifyCredential(string.Empty, 0)),
        Of(IdentityRegistry.ListCredentials(default)),
        Of(ProcurementRegistry.GetTender(string.Empty)),
        Of(ProcurementRegistry.GetBid(string.Empty, default)),
        Of(RecordRegistry.GetRecordType(string.Empty)),
        Of(RecordRegistry.GetRecord(string.Empty, string.Empty)),
        Of(Governance.GetDepartment(string.Empty)),
        Of(Governance.ListDepartments()),
        Of(Governance.GetRoleHolders(string.Empty)),
        Of(Governance.HasRole(string.Empty, default)),
        Of(Governance.GetProposal(0)),
        Of(Governance.GetValidators()),
    }.ToDictionary(r => (r.Contract, r.Method), r => r.Result);

    /// <summary>The result type of a catalogued query, or null when the CLI does not know it.</summary>
    public static MessageDescriptor? Find(string contract, string method) =>
        Results.TryGetValue((contract, method), out var descriptor) ? descriptor : null;

    private static (string Contract, string Method, MessageDescriptor Result) Of<T>(ContractQuery<T> query)
        where T : IMessage<T> =>
        (query.Contract, query.Method, query.ResultParser.ParseFrom(ByteString.Empty).Descriptor);
}

namespace GovChain.Client.Registries;

/// <summary>
/// Every method of the built-in registries the SDK builds calls for (tools can parse JSON
/// arguments with it): the engine's own catalogue (<see cref="ContractCatalog"/>).
/// </summary>
public static class RegistryCatalog
{
    public static IReadOnlyList<ContractMethod> All => ContractCatalog.All;

    public static ContractMethod? Find(string contract, string method) => ContractCatalog.Find(contract, method);
}

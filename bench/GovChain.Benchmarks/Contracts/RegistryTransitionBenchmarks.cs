using BenchmarkDotNet.Attributes;
using GovChain.Contracts;
using GovChain.Core.Transactions;
using GovChain.Protocol.Registry;

namespace GovChain.Benchmarks.Contracts;

/// <summary>Cost of one declarative-registry transition (type lookup, permission, field checks, write).</summary>
[MemoryDiagnoser]
[MedianColumn]
public class RegistryTransitionBenchmarks
{
    private const int Records = 1_000;
    private BenchChain _chain = null!;
    private VerifiedTransaction[] _single = null!;
    private VerifiedTransaction[] _block = null!;

    [GlobalSetup]
    public void Setup()
    {
        _chain = new BenchChain();
        var clerk = _chain.Registrar;
        var owner = _chain.Key(500);
        _chain.Commit([_chain.Tx(_chain.Admin, SystemCalls.Propose("lands", SystemCalls.GrantRole("vehicles.clerk", clerk.PublicKey, "lands")))]);
        _chain.Commit([_chain.Tx(_chain.Admin, SystemCalls.Propose("lands", SystemCalls.DeployRegistryType(VehicleTitle())))]);
        _chain.Commit(Enumerable.Range(0, Records)
            .Select(i => _chain.Tx(clerk, RegistryCalls.Apply("vehicle_title", $"CAR-{i}", "register",
                RegistryCalls.Text("vin", $"VIN{i:D14}"), RegistryCalls.Bytes("owner", owner.PublicKey), RegistryCalls.Number("mileage", 0))))
            .ToArray());

        _block = Enumerable.Range(0, Records)
            .Select(i => _chain.Tx(clerk, RegistryCalls.Apply("vehicle_title", $"CAR-{i}", "inspect", RegistryCalls.Number("mileage", 12_345))))
            .ToArray();
        _single = [_block[0]];
        BenchChain.RequireSuccess(_chain.Engine.ExecuteBlock(_chain.NextBlock, _block, _chain.State));
    }

    [GlobalCleanup]
    public void Cleanup() => _chain.Dispose();

    /// <summary>One transition alone in a block: includes the per-block fixed cost.</summary>
    [Benchmark]
    public int SingleTransition() => _chain.Engine.ExecuteBlock(_chain.NextBlock, _single, _chain.State).Changes.Count;

    /// <summary>Time per transition in a block of 1,000.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int TransitionBlock() => _chain.Engine.ExecuteBlock(_chain.NextBlock, _block, _chain.State).Changes.Count;

    private static RegistryTypeDefinition VehicleTitle()
    {
        var d = new RegistryTypeDefinition { Name = "vehicle_title", OwnerField = "owner" };
        d.Fields.Add(new RegistryFieldDefinition { Name = "vin", Type = RegistryFieldType.String, Required = true, MaxLength = 17 });
        d.Fields.Add(new RegistryFieldDefinition { Name = "owner", Type = RegistryFieldType.PublicKey, Required = true });
        d.Fields.Add(new RegistryFieldDefinition { Name = "mileage", Type = RegistryFieldType.Uint64 });
        d.States.Add("active");
        var register = new RegistryTransitionDefinition { Name = "register", ToState = "active" };
        register.Roles.Add("vehicles.clerk");
        register.SetFields.Add(["vin", "owner", "mileage"]);
        var inspect = new RegistryTransitionDefinition { Name = "inspect", ToState = "active" };
        inspect.FromStates.Add("active");
        inspect.Roles.Add("vehicles.clerk");
        inspect.SetFields.Add("mileage");
        d.Transitions.Add(register);
        d.Transitions.Add(inspect);
        return d;
    }
}

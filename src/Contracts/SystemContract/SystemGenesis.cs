using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Core.Genesis;
using GovChain.Core.State;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.SystemContract;

/// <summary>
/// Seeds the system contract from a genesis document, through the same code paths a
/// governance proposal uses, so genesis state and later state can never disagree in shape.
/// </summary>
internal static class SystemGenesis
{
    public static StateChanges InitialState(GenesisDocument genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var writes = new StateChanges();
        var block = new BlockContext(genesis.ChainId, 0, genesis.Proto.GenesisTimeUnixMs, ByteString.Empty);
        var ctx = new CallContext(block, ByteString.Empty, ByteString.Empty, new StateChanges(), writes, new StepMeter(ulong.MaxValue), int.MaxValue);
        var problems = new List<string>();

        // Departments in id order, so the seeded lists do not depend on the file's order.
        foreach (var department in genesis.Proto.Departments.OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            Seed(problems, $"department '{department.Id}'", () => GovernanceContract.AddDepartment(ctx, new AddDepartment { Department = department }));
        }

        foreach (var grant in genesis.Proto.Roles)
        {
            Seed(problems, $"role grant '{grant.Role}' in '{grant.DepartmentId}'", () => SystemRoles.Grant(ctx, grant));
        }

        if (problems.Count > 0)
        {
            throw new GenesisValidationException("document", problems);
        }

        // The genesis set certifies height 1 on; seeding must not announce a change at height 2.
        writes.Set(SystemState.ValidatorChangeKey, new PendingValidatorSetChange
        {
            EffectiveHeight = 1,
            Validators = genesis.Validators.ToProto(),
        }.ToByteArray());
        return writes;
    }

    private static void Seed(List<string> problems, string what, Action seed)
    {
        try
        {
            seed();
        }
        catch (ContractException ex)
        {
            problems.Add($"{what}: {ex.Message}");
        }
    }
}

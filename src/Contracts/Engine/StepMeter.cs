namespace GovChain.Contracts.Engine;

/// <summary>
/// Step prices. State grows forever and every node stores it, so writes cost more than
/// reads; bytes are charged as well as operations so a large record cannot ride cheaply.
/// </summary>
public static class StepCosts
{
    public const ulong CallBase = 1_000;
    public const ulong ArgsPerByte = 1;
    public const ulong ReadBase = 100;
    public const ulong ReadPerByte = 1;
    public const ulong WriteBase = 200;
    public const ulong WritePerByte = 3;
    public const ulong DeleteBase = 200;
    public const ulong EventBase = 50;
    public const ulong EventPerByte = 1;
    public const ulong LoopIteration = 10;
    public const ulong HashBase = 100;
    public const ulong HashPerByte = 1;
}

/// <summary>Counts the steps of one call against its budget; running over ends the call.</summary>
internal sealed class StepMeter
{
    public StepMeter(ulong budget)
    {
        Budget = budget;
    }

    public ulong Budget { get; }

    public ulong Used { get; private set; }

    public void Charge(ulong steps)
    {
        // Saturating add: a huge charge must end the call, never wrap around to a small number.
        var remaining = Budget - Used;
        if (steps > remaining)
        {
            Used = Budget;
            throw new ContractException(ResultCode.OutOfSteps, $"step budget of {Budget} exhausted");
        }

        Used += steps;
    }

    public void Charge(ulong baseCost, ulong perByte, int bytes) =>
        Charge(baseCost + (perByte * (ulong)Math.Max(bytes, 0)));

    /// <summary>Charges <paramref name="iterations"/> loop iterations before they run.</summary>
    public void Loop(int iterations) => Charge(StepCosts.LoopIteration * (ulong)Math.Max(iterations, 0));
}

namespace GovChain.Core.Genesis;

/// <summary>A genesis file that cannot start a network; <see cref="Problems"/> names every fault found.</summary>
public sealed class GenesisValidationException : Exception
{
    public GenesisValidationException(string source, IReadOnlyList<string> problems)
        : base($"Genesis {source} is not valid:{Environment.NewLine}  - " + string.Join(Environment.NewLine + "  - ", problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}

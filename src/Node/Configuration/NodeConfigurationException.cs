namespace GovChain.Node.Configuration;

/// <summary>The node's configuration is unusable; the message names every bad setting, one per line.</summary>
public sealed class NodeConfigurationException : Exception
{
    public NodeConfigurationException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public NodeConfigurationException(IReadOnlyList<string> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    public NodeConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public NodeConfigurationException()
        : this("The node configuration is invalid.")
    {
    }

    /// <summary>Each problem, starting with the name of the setting it concerns.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(IReadOnlyList<string> problems) =>
        problems.Count == 1 ? problems[0] : "The node configuration has problems:\n  " + string.Join("\n  ", problems);
}

namespace GovChain.Cli.Infrastructure;

/// <summary>An error the operator can act on: printed as one short line, exit code non-zero.</summary>
internal sealed class CliError : Exception
{
    public CliError(string message, int exitCode = 1)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}

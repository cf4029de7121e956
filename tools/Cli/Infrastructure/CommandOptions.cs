using System.CommandLine;

namespace GovChain.Cli.Infrastructure;

/// <summary>Short constructors for a command's own options, so a command reads as its list of options.</summary>
internal static class CommandOptions
{
    /// <summary>An option the command cannot run without.</summary>
    public static Option<T> Required<T>(string name, string description) => new(name) { Description = description, Required = true };

    public static Option<T> Optional<T>(string name, string description) => new(name) { Description = description };
}

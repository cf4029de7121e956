using System.CommandLine;

namespace GovChain.Cli;

/// <summary>The root of the <c>govchain</c> command.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("GovChain: a permissioned ledger for government registries.");
        root.Subcommands.Add(DemoCommand.Create());
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}

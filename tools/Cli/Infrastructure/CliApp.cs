using System.CommandLine;
using GovChain.Cli.Commands;
using GovChain.Core.Native;

namespace GovChain.Cli.Infrastructure;

/// <summary>The root of the <c>govchain</c> command; every failure becomes one line and a non-zero exit.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("GovChain: a permissioned ledger for government registries.");
        root.Options.Add(Output.FormatOption);
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());

        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (CliError ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (NativeLibraryMissingException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 3;
        }
    }
}

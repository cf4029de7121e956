using System.CommandLine;
using GovChain.Cli.Commands;
using Grpc.Core;

namespace GovChain.Cli.Infrastructure;

/// <summary>The root of the <c>govchain</c> command; every failure becomes one line and a non-zero exit.</summary>
internal static class CliApp
{
    /// <summary>After Ctrl+C or SIGTERM, how long a command may take to stop what it started (a demo stops four nodes).</summary>
    private static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        if (Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Width < 120)
        {
            // A log file or pipe has no width; 80 columns would fold the tables.
            Spectre.Console.AnsiConsole.Profile.Width = 120;
        }

        var root = new RootCommand("GovChain: a permissioned ledger for government registries.");
        root.Options.Add(Output.FormatOption);
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(NetworkCommand.Create());
        root.Subcommands.Add(LocalnetCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(LandCommand.Create());
        root.Subcommands.Add(IdentityCommand.Create());
        root.Subcommands.Add(ProcurementCommand.Create());
        root.Subcommands.Add(TxCommand.Create());
        root.Subcommands.Add(GovernanceCommand.Create());
        root.Subcommands.Add(QueryCommand.Create());
        root.Subcommands.Add(BlockCommand.Create());
        root.Subcommands.Add(ProofCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());

        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TerminationGrace }).ConfigureAwait(false);
        }
        catch (CliError ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is DllNotFoundException or GovChain.Storage.StorageEngineUnavailableException)
        {
            // The native libraries ship inside the RocksDB and NSec packages: this is a platform without a build, or a broken deployment.
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.NativeLibraryMissing;
        }
        catch (Exception ex) when (ex is OperationCanceledException || (ex is RpcException rpc && rpc.StatusCode == StatusCode.Cancelled))
        {
            await Console.Error.WriteLineAsync("error: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (RpcException ex)
        {
            // A call no command mapped itself: the same codes as the mapped ones (7 unreachable, 6 refused).
            var error = ExitCodes.FromRpc(ex, node: null);
            await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            return error.ExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or GovChain.Core.Crypto.KeyFileException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
    }
}

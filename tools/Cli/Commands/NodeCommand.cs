using System.CommandLine;
using GovChain.Cli.Infrastructure;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain node run --config FILE</c>: runs a department's node until SIGTERM or Ctrl+C.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var node = new Command("node", "Run a department's node.");
        var config = new Option<string>("--config") { Description = "The node's JSON configuration file (GOVCHAIN__* variables override it).", Required = true };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Least severe log level written.", DefaultValueFactory = _ => LogLevel.Information };
        var run = new Command("run", "Run the node until SIGTERM or Ctrl+C; a stop finishes the block being written. Exit codes: 0 stopped; 2 bad configuration; 3 a native library is missing; 9 the storage failed.") { config, logLevel };
        run.SetAction(async (result, cancellationToken) =>
        {
            NodeOptions options;
            IHost host;
            try
            {
                options = NodeOptionsLoader.Load(result.GetValue(config)!);
                host = NodeHostingExtensions.BuildNodeHost(options, StandardNode.CreatePeerNetwork, StandardNode.AddServices, result.GetValue(logLevel));
            }
            catch (NodeConfigurationException ex)
            {
                throw new CliError(ex.Message, ExitCodes.BadConfiguration);
            }

            try
            {
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NodeConfigurationException ex)
            {
                throw new CliError(ex.Message, ExitCodes.BadConfiguration);
            }
            catch (StorageException ex)
            {
                throw new CliError(ex.Message, ExitCodes.StorageFailed);
            }
            finally
            {
                host.Dispose();
            }

            return 0;
        });
        node.Subcommands.Add(run);
        return node;
    }
}

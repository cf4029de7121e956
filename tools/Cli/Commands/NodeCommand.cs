using System.CommandLine;
using GovChain.Cli.Infrastructure;
using GovChain.Grpc.Hosting;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Storage;
using Microsoft.Extensions.DependencyInjection;
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
        var observer = new Option<bool>("--observer")
        {
            Description = "Run an observer: no validator key; it follows department nodes' client API (--follow or Observer:Follow in the configuration), verifies and re-executes every block, serves the client API read-only and forwards submissions.",
        };
        var follow = new Option<string[]>("--follow")
        {
            Description = "A department node's client API to follow (https://host:port); repeatable. Implies --observer.",
            AllowMultipleArgumentsPerToken = true,
        };
        var run = new Command("run", "Run the node until SIGTERM or Ctrl+C; a stop finishes the block being written. Exit codes: 0 stopped; 2 bad configuration; 3 a native library cannot be loaded; 9 the storage failed (at start or while running); 10 the node stopped on a consensus or execution fault. After 9 or 10 a supervisor restarts it.") { config, logLevel, observer, follow };
        run.SetAction(async (result, cancellationToken) =>
        {
            NodeOptions options;
            IHost host;
            try
            {
                options = NodeOptionsLoader.Load(result.GetValue(config)!);
                options.Observer.Follow.AddRange(result.GetValue(follow) ?? []);
                if (result.GetValue(observer) && !options.Observer.Enabled)
                {
                    throw new NodeConfigurationException("Observer:Follow: an observer follows at least one department node: pass --follow https://host:port or set Observer:Follow.");
                }

                host = NodeHostingExtensions.BuildNodeHost(options, StandardNode.CreatePeerNetwork, settings => StandardNode.AddServices(settings), result.GetValue(logLevel));
            }
            catch (NodeConfigurationException ex)
            {
                throw new CliError(ex.Message, ExitCodes.BadConfiguration);
            }

            try
            {
                // Not RunAsync: it disposes the host, and the node's fault is read after the stop.
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
                await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);

                // A node that stopped on a fault stopped its host: say why, and exit non-zero so a
                // supervisor restarts it into a consistent state.
                if (host.Services.GetService<GovChainNode>() is { Fault: { } fault } node)
                {
                    throw new CliError(
                        $"the node stopped on a fault: {node.FaultReason}",
                        GovChainNode.IsStorageFault(fault) ? ExitCodes.StorageFailed : ExitCodes.NodeFaulted);
                }
            }
            catch (NodeConfigurationException ex)
            {
                throw new CliError(ex.Message, ExitCodes.BadConfiguration);
            }
            catch (StorageEngineUnavailableException ex)
            {
                // Not the data directory: RocksDB's native library does not load here, which a
                // restart does not change.
                throw new CliError(ex.Message, ExitCodes.NativeLibraryMissing);
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

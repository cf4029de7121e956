using System.CommandLine;
using System.Text.Json.Nodes;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using Spectre.Console;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain localnet up | down | status</c>: a folder's department nodes as local processes.</summary>
internal static class LocalnetCommand
{
    public static Command Create()
    {
        var localnet = new Command("localnet", "Run a network folder's nodes as local processes, each with its own data directory and log.");
        localnet.Subcommands.Add(CreateUp());
        localnet.Subcommands.Add(CreateDown());
        localnet.Subcommands.Add(CreateStatus());
        return localnet;
    }

    private static Option<string> DirOption() => new("--dir") { Description = "The network folder.", DefaultValueFactory = _ => "localnet" };

    private static Command CreateUp()
    {
        var dir = DirOption();
        var departments = new Option<string>("--departments")
        {
            Description = "When the folder holds no network yet: a count (4) or a comma-separated list of departments for 'network init'.",
            DefaultValueFactory = _ => "4",
        };
        var basePort = new Option<int>("--base-port") { Description = "When the folder holds no network yet: its base port (0 = free ports).", DefaultValueFactory = _ => 7400 };
        var up = new Command("up", "Start every node of the folder (running 'network init' first when it holds none) and wait until each answers.") { dir, departments, basePort };
        up.SetAction(async (result, ct) =>
        {
            var layout = new NetworkLayout(result.GetValue(dir)!);
            var json = Output.IsJson(result);
            if (!layout.HasNetwork)
            {
                var request = new NetworkInitRequest(layout.Root, LocalnetOperations.ResolveDepartments(result.GetValue(departments)), "govchain-local", result.GetValue(basePort), Force: false);
                NetworkCommand.Run(request, json: json);
            }

            var started = await LocalnetOperations.UpAsync(layout, json ? null : Say, ct).ConfigureAwait(false);
            if (json)
            {
                Output.Json(new JsonObject
                {
                    ["folder"] = layout.Root,
                    ["nodes"] = new JsonArray(started.Select(s => (JsonNode)new JsonObject
                    {
                        ["department"] = s.Department.Id,
                        ["pid"] = s.Pid,
                        ["client_address"] = s.Department.ClientAddress,
                        ["log"] = layout.LogFile(s.Department.Id),
                    }).ToArray()),
                });
            }
            else
            {
                AnsiConsole.MarkupLine($"[green]{started.Count} nodes answer.[/] Stop them with: govchain localnet down --dir {Markup.Escape(layout.Root)}");
            }

            return 0;
        });
        return up;
    }

    private static Command CreateDown()
    {
        var dir = DirOption();
        var down = new Command("down", "Stop the folder's nodes: SIGTERM, then SIGKILL after 10 s; removes the PID records.") { dir };
        down.SetAction(async (result, ct) =>
        {
            var layout = new NetworkLayout(result.GetValue(dir)!);
            var json = Output.IsJson(result);
            var stopped = await LocalnetOperations.DownAsync(layout, json ? null : Say).ConfigureAwait(false);
            if (json)
            {
                Output.Json(new JsonObject { ["folder"] = layout.Root, ["stopped"] = new JsonArray(stopped.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()) });
            }

            return 0;
        });
        return down;
    }

    private static Command CreateStatus()
    {
        var dir = DirOption();
        var status = new Command("status", "The status of every node of the folder (as 'govchain status --dir').") { dir };
        status.SetAction(async (result, ct) => await StatusCommand.RunAsync(result, [], result.GetValue(dir), ct).ConfigureAwait(false));
        return status;
    }

    private static void Say(string line) => AnsiConsole.MarkupLine($"  [grey]•[/] {Markup.Escape(line)}");
}

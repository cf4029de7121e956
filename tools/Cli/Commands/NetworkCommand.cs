using System.CommandLine;
using System.Text.Json.Nodes;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using GovChain.Node.Setup;
using Spectre.Console;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain network init</c>: a whole network of departments in one folder.</summary>
internal static class NetworkCommand
{
    public static readonly Option<string> DepartmentsOption = new("--departments")
    {
        Description = "Comma-separated department ids, in genesis order.",
        DefaultValueFactory = _ => string.Join(',', NetworkInitializer.DefaultDepartments),
    };

    public static Command Create()
    {
        var network = new Command("network", "Create the files of a department network.");
        var output = new Option<string>("--out") { Description = "The folder to create (must be empty unless --force).", Required = true };
        var chainId = new Option<string>("--chain-id")
        {
            Description = $"The chain id; '{NetworkBlueprint.DefaultChainId}' is for local networks only (refused with --endpoints beyond loopback).",
            DefaultValueFactory = _ => NetworkBlueprint.DefaultChainId,
        };
        var endpoints = new Option<string>("--endpoints")
        {
            Description = "Where departments are reached, dept=host[:peer-port],... (DNS names or IP addresses; the client API takes the port below the peer port). " +
                "A department's first entry is its endpoint in genesis, each entry a name its TLS certificate carries. Left out: loopback only.",
        };
        var basePort = new Option<int>("--base-port")
        {
            Description = "Department i listens for clients on base+10i and for peers on base+10i+1; 0 takes free loopback ports.",
            DefaultValueFactory = _ => 7400,
        };
        var force = new Option<bool>("--force") { Description = "Replace what the folder holds." };
        var init = new Command(
            "init",
            "Write genesis.json, and per department a validator key, a TLS certificate and a node configuration, plus the role holders' keys. " +
            "For local networks, each key's passphrase is written to a 0600 .pass file beside it.")
        {
            output, DepartmentsOption, chainId, basePort, endpoints, force,
        };
        init.SetAction(result =>
        {
            var request = new NetworkInitRequest(
                result.GetValue(output)!,
                ParseDepartments(result.GetValue(DepartmentsOption)),
                result.GetValue(chainId)!,
                result.GetValue(basePort),
                result.GetValue(force))
            {
                Hosts = EndpointList.Parse(result.GetValue(endpoints)),
            };
            Run(request, Output.IsJson(result));
            return 0;
        });
        network.Subcommands.Add(init);
        network.Subcommands.Add(CertificateCommand.Create());
        return network;
    }

    public static IReadOnlyList<string> ParseDepartments(string? list)
    {
        var departments = (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return departments.Length == 0 ? throw new CliError("--departments lists no department") : departments;
    }

    public static NetworkManifest Run(NetworkInitRequest request, bool json)
    {
        NetworkManifest manifest;
        if (json)
        {
            manifest = NetworkInitializer.Initialize(request);
        }
        else
        {
            NetworkManifest? made = null;
            AnsiConsole.Status().Start("creating the network", ctx =>
            {
                made = NetworkInitializer.Initialize(request, step =>
                {
                    ctx.Status(Markup.Escape(step));
                    AnsiConsole.MarkupLine($"  [grey]•[/] {Markup.Escape(step)}");
                });
            });
            manifest = made!;
        }

        var layout = new NetworkLayout(request.OutputDirectory);
        if (json)
        {
            Output.Json(new JsonObject
            {
                ["folder"] = layout.Root,
                ["chain_id"] = manifest.ChainId,
                ["genesis"] = layout.GenesisFile,
                ["departments"] = new JsonArray(manifest.Departments.Select(d => (JsonNode)new JsonObject
                {
                    ["id"] = d.Id,
                    ["client_address"] = d.ClientAddress,
                    ["peer_address"] = d.PeerAddress,
                    ["config"] = layout.ConfigFile(d.Id),
                }).ToArray()),
                ["role_holders"] = new JsonArray(manifest.RoleHolders.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name,
                    ["role"] = r.Role,
                    ["department"] = r.DepartmentId,
                    ["key_file"] = layout.RoleKeyFile(r.Name),
                    ["public_key"] = r.PublicKey,
                }).ToArray()),
            });
            return manifest;
        }

        Output.Table(
            ["department", "client API", "peer listener", "config"],
            manifest.Departments.Select(d => new[] { d.Id, d.ClientAddress, d.PeerAddress, Path.GetRelativePath(layout.Root, layout.ConfigFile(d.Id)) }));
        Output.Table(
            ["holder (roles/NAME.key)", "role", "department", "public key"],
            manifest.RoleHolders.Select(r => new[] { r.Name, r.Role, r.DepartmentId, r.PublicKey[..16] + "…" }));
        AnsiConsole.MarkupLine($"Chain [blue]{Markup.Escape(manifest.ChainId)}[/] written to {Markup.Escape(layout.Root)}. Passphrases sit in .pass files beside the keys: [yellow]for local networks only[/].");
        if (request.Hosts.Values.All(h => h.IsLoopbackOnly))
        {
            AnsiConsole.MarkupLine($"Start it with: govchain localnet up --dir {Markup.Escape(layout.Root)}");
        }
        else
        {
            AnsiConsole.MarkupLine("Give each department its folder and genesis.json; each starts its node with: govchain node run --config <department>/node.json (move the passphrase into its secret store first).");
        }
        return manifest;
    }
}

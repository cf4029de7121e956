using System.CommandLine;
using GovChain.Cli.Commands;

namespace GovChain.Cli.Connection;

/// <summary>
/// The options every command that talks to a node shares, with one meaning everywhere: which
/// node, which network, which genesis to trust, who signs, how long to wait.
/// </summary>
internal static class ConnectionOptions
{
    public const string NetworkEnvironmentVariable = "GOVCHAIN_NETWORK";

    public static readonly Option<string?> Node = new("--node")
    {
        Description = "The node to use: a department name of the --dir network, or a client API address (https://host:port; http:// for a node without TLS). Default: the network's first department.",
    };

    public static readonly Option<string?> Dir = new("--dir")
    {
        Description = $"A network folder (from 'network init'): its nodes by department name, the TLS certificates its genesis pins, its role holders by name. Default: ${NetworkEnvironmentVariable}.",
    };

    public static readonly Option<string?> Genesis = new("--genesis")
    {
        Description = "The genesis file to trust (instead of the --dir network's): the node must present a TLS certificate it pins; proofs and import look-ups are checked against it.",
    };

    public static readonly Option<string> Key = new("--key")
    {
        Description = "Who signs: a key file (govchain keys new), or a role holder's name in the --dir network (registrar, bank, university, procurement-officer, inspector).",
        Required = true,
    };

    public static readonly Option<int> Timeout = new("--timeout")
    {
        Description = "Seconds to wait for each answer of the node (and for the commit of a transaction).",
        DefaultValueFactory = _ => 60,
    };

    static ConnectionOptions()
    {
        Timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 3600)
            {
                r.AddError("--timeout: give 1 to 3600 seconds");
            }
        });
    }

    /// <summary>The network folder: --dir, else $GOVCHAIN_NETWORK; null when neither names one.</summary>
    public static string? NetworkFolder(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var dir = result.GetValue(Dir);
        return string.IsNullOrEmpty(dir) ? Environment.GetEnvironmentVariable(NetworkEnvironmentVariable) : dir;
    }

    /// <summary>Adds the options of a command that reads from a node (which node, which genesis, within how long).</summary>
    public static T WithConnection<T>(this T command)
        where T : Command
    {
        command.Options.Add(Node);
        command.Options.Add(Dir);
        command.Options.Add(Genesis);
        command.Options.Add(Timeout);
        return command;
    }

    /// <summary>Adds the options of a command that signs a transaction.</summary>
    public static T WithSigner<T>(this T command)
        where T : Command
    {
        command.WithConnection();
        command.Options.Add(Key);
        command.Options.Add(KeysCommand.PassphraseFileOption);
        return command;
    }
}

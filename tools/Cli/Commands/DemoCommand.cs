using System.CommandLine;
using GovChain.Cli.Demo;

namespace GovChain.Cli.Commands;

/// <summary>The walkthrough README's first command runs (scripts/demo.sh).</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command(
            "demo",
            "Start four department nodes in a temporary folder and walk through land transfers, a diploma, a tender, a crashed node and an offline proof; stops everything it started.");
        command.SetAction(async (_, cancellationToken) => await DemoScenario.RunAsync(cancellationToken).ConfigureAwait(false));
        return command;
    }
}

using System.CommandLine;

namespace GovChain.Cli.Commands;

/// <summary>The walkthrough README's first command runs.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Walk through GovChain's registry work on a local network of department nodes.");
        command.SetAction(_ => CoreDemo.Run());
        return command;
    }
}

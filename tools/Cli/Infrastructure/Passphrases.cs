using Spectre.Console;

namespace GovChain.Cli.Infrastructure;

/// <summary>
/// Where a key file's passphrase comes from: a file (--passphrase-file), the environment
/// (GOVCHAIN_PASSPHRASE), or a hidden prompt when a person is at the terminal. Scripts never
/// hang on a prompt: without a terminal and without a source, the command fails.
/// </summary>
internal static class Passphrases
{
    public const string EnvironmentVariable = "GOVCHAIN_PASSPHRASE";

    public static string Read(string? passphraseFile, bool confirm)
    {
        if (!string.IsNullOrEmpty(passphraseFile))
        {
            try
            {
                return File.ReadAllText(passphraseFile).TrimEnd('\r', '\n');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliError($"cannot read passphrase file '{passphraseFile}': {ex.Message}");
            }
        }

        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        if (Console.IsInputRedirected)
        {
            throw new CliError($"no passphrase: pass --passphrase-file or set {EnvironmentVariable}");
        }

        var first = AnsiConsole.Prompt(new TextPrompt<string>("Passphrase:").Secret());
        if (confirm && first != AnsiConsole.Prompt(new TextPrompt<string>("Repeat passphrase:").Secret()))
        {
            throw new CliError("the passphrases do not match");
        }

        return first;
    }
}

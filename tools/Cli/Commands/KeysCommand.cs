using System.CommandLine;
using System.Text.Json.Nodes;
using GovChain.Cli.Infrastructure;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain keys new | show | upgrade</c>: operators' Ed25519 keys, encrypted at rest.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "Create and inspect encrypted Ed25519 key files.");
        keys.Subcommands.Add(CreateNew());
        keys.Subcommands.Add(CreateShow());
        keys.Subcommands.Add(CreateUpgrade());
        return keys;
    }

    internal static readonly Option<string?> PassphraseFileOption = new("--passphrase-file")
    {
        Description = $"File holding the key passphrase (otherwise ${Passphrases.EnvironmentVariable} or a prompt).",
    };

    private static Command CreateNew()
    {
        var file = new Argument<string>("file") { Description = "Where to write the key file (mode 0600)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var command = new Command("new", "Generate a key pair and write it encrypted with a passphrase.") { file, force, PassphraseFileOption };
        command.SetAction(result =>
        {
            var path = result.GetValue(file)!;
            if (File.Exists(path) && !result.GetValue(force))
            {
                throw new CliError($"'{path}' exists; pass --force to replace it");
            }

            var passphrase = Passphrases.Read(result.GetValue(PassphraseFileOption), confirm: true);
            if (passphrase.Length < 8)
            {
                throw new CliError("the passphrase must have at least 8 characters");
            }

            using var key = KeyPair.Generate();
            KeyFile.Write(path, key, passphrase);
            Print(result, path, key.PublicKey);
            return 0;
        });
        return command;
    }

    private static Command CreateShow()
    {
        var file = new Argument<string>("file") { Description = "A key file written by 'govchain keys new'." };
        var check = new Option<bool>("--check") { Description = "Also decrypt the key, to check the passphrase." };
        var command = new Command("show", "Print a key file's public key.") { file, check, PassphraseFileOption };
        command.SetAction(result =>
        {
            var path = result.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliError($"key file '{path}' does not exist");
            }

            byte[] publicKey;
            bool legacy;
            try
            {
                publicKey = KeyFile.ReadPublicKey(path);
                legacy = KeyFile.ReadFormatVersion(path) == KeyFile.LegacyFormatVersion;
                if (result.GetValue(check))
                {
                    using var key = KeyFile.Read(path, Passphrases.Read(result.GetValue(PassphraseFileOption), confirm: false));
                }
            }
            catch (KeyFileException ex)
            {
                throw new CliError(ex.Message);
            }

            Print(result, path, publicKey);
            if (legacy)
            {
                Console.Error.WriteLine(
                    $"note: '{path}' is a version-{KeyFile.LegacyFormatVersion} key file (XSalsa20-Poly1305); it still opens. " +
                    $"Rewrite it as version {KeyFile.FormatVersion} (XChaCha20-Poly1305) with 'govchain keys upgrade {path}'.");
            }

            return 0;
        });
        return command;
    }

    private static Command CreateUpgrade()
    {
        var file = new Argument<string>("file") { Description = "A key file of an older version, rewritten in place." };
        var command = new Command(
            "upgrade",
            $"Rewrite a version-{KeyFile.LegacyFormatVersion} key file as version {KeyFile.FormatVersion}, with the same key, passphrase and Argon2id limits.")
        {
            file,
            PassphraseFileOption,
        };
        command.SetAction(result =>
        {
            var path = result.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliError($"key file '{path}' does not exist");
            }

            try
            {
                var upgraded = KeyFile.Upgrade(path, Passphrases.Read(result.GetValue(PassphraseFileOption), confirm: false));
                Console.Error.WriteLine(upgraded
                    ? $"upgraded '{path}' to key-file version {KeyFile.FormatVersion} (XChaCha20-Poly1305)"
                    : $"'{path}' already is key-file version {KeyFile.FormatVersion}; left unchanged");
                Print(result, path, KeyFile.ReadPublicKey(path));
            }
            catch (KeyFileException ex)
            {
                throw new CliError(ex.Message);
            }

            return 0;
        });
        return command;
    }

    private static void Print(ParseResult result, string path, ReadOnlySpan<byte> publicKey)
    {
        var hex = Hex.Encode(publicKey);
        if (Output.IsJson(result))
        {
            Output.Json(new JsonObject { ["file"] = path, ["public_key"] = hex });
        }
        else
        {
            Output.Table(["key file", "public key"], [[path, hex]]);
        }
    }
}

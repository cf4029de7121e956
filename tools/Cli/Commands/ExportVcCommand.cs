using System.CommandLine;
using System.Text.Json;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Client.Credentials;

namespace GovChain.Cli.Commands;

/// <summary>
/// <c>govchain identity export-vc</c>: a credential on the chain as a signed W3C Verifiable
/// Credential (VC 2.0, Data Integrity eddsa-jcs-2022), signed by its issuer's key, with a
/// status entry pointing to the node's Bitstring Status List.
/// </summary>
internal static class ExportVcCommand
{
    public static Command Create(Option<string> credential)
    {
        var output = new Option<string?>("--out") { Description = "The file to write the credential to (default: standard output)." };
        var command = new Command(
            "export-vc",
            "Export a diploma or licence as a W3C Verifiable Credential signed with --key, which must be the key the chain records as its issuer (exit 1 when it is not, 8 for an unknown credential). Its status list is the one served by --node.")
        {
            credential,
            output,
        };
        return command.OnWrite(async ctx =>
        {
            var id = ctx.Result.GetValue(credential)!;
            JsonElement document;
            try
            {
                var vc = await NodeCalls.CallAsync(ctx.Session, c => VerifiableCredentialExport.ExportAsync(
                    c, id, ctx.Signer, ctx.Session.Address.GetLeftPart(UriPartial.Authority), DateTimeOffset.UtcNow, ctx.Session.Timeout, ctx.CancellationToken)).ConfigureAwait(false);
                document = JsonSerializer.SerializeToElement(vc);
            }
            catch (CredentialExportRefusedException ex) when (ex.UnknownCredential)
            {
                throw new CliError(ex.Message, ExitCodes.RegistryRefused);
            }
            catch (CredentialExportRefusedException ex)
            {
                throw new CliError($"--key: {ex.Message}");
            }

            var text = JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n";
            if (ctx.Result.GetValue(output) is { Length: > 0 } path)
            {
                await File.WriteAllTextAsync(path, text, ctx.CancellationToken).ConfigureAwait(false);
                Console.Error.WriteLine($"wrote the verifiable credential {id} to {path}");
            }
            else
            {
                Console.Out.Write(text);
            }

            return 0;
        });
    }
}

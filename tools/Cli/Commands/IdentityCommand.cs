using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using GovChain.Cli.Connection;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Client.Registries;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain identity ...</c>: identities and verifiable credentials (diplomas, licences) with revocation.</summary>
internal static class IdentityCommand
{
    private static readonly Option<string> Credential = CommandOptions.Required<string>("--credential", "The credential's identifier, e.g. DIPLOMA-2026-0415.");

    public static Command Create()
    {
        var identity = new Command("identity", "Identities and credentials: register an identity, issue, revoke and verify credentials. " + ExitCodes.HelpText);
        identity.Subcommands.Add(Register());
        identity.Subcommands.Add(Issue());
        identity.Subcommands.Add(Revoke());
        identity.Subcommands.Add(Verify());
        identity.Subcommands.Add(ExportVcCommand.Create(Credential));
        return identity;
    }

    private static Command Register()
    {
        var data = new HashInput("data", "The person's off-chain personal data");
        var command = new Command("register", "Register the signer's key as an identity, recording only the hash of its personal data.");
        data.AddTo(command);
        return command.OnCall(ctx => IdentityRegistry.Register(data.Read(ctx.Result)));
    }

    private static Command Issue()
    {
        var kind = CommandOptions.Required<string>("--kind", "What the credential is: diploma, licence, ...");
        var subject = CommandOptions.Required<string>("--subject", "Whom it is issued to: a public key (hex), a key file, or a role holder's name.");
        var from = CommandOptions.Optional<ulong>("--valid-from", "First height at which it is valid (default: at once).");
        var until = CommandOptions.Optional<ulong>("--valid-until", "Last height at which it is valid (default: no expiry).");
        var claims = new HashInput("claims", "The credential's claims document");
        var command = new Command("issue", "Issue a credential to a registered identity (signed by an identity issuer).") { Credential, kind, subject, from, until };
        claims.AddTo(command);
        return command.OnCall(ctx => IdentityRegistry.IssueCredential(
            ctx.Result.GetValue(Credential)!,
            ctx.Result.GetValue(kind)!,
            ctx.Session.ResolveParty(ctx.Result.GetValue(subject)!, "--subject"),
            claims.Read(ctx.Result),
            ctx.Result.GetValue(from),
            ctx.Result.GetValue(until)));
    }

    private static Command Revoke()
    {
        var reason = CommandOptions.Required<string>("--reason", "Why it is revoked (recorded on the chain).");
        return new Command("revoke", "Revoke a credential (signed by its issuer).") { Credential, reason }
            .OnCall(ctx => IdentityRegistry.RevokeCredential(ctx.Result.GetValue(Credential)!, ctx.Result.GetValue(reason)!));
    }

    private static Command Verify()
    {
        var at = CommandOptions.Optional<ulong>("--at", "Judge validity at this height (default: the node's latest).");
        var claims = new HashInput("claims", "The claims document presented with the credential (optional: checked against the recorded hash)", required: false);
        var command = new Command("verify", "Say whether a credential is valid: issued, in its validity window, not revoked, claims matching. Exit 0 when valid, 8 when not (read-only, no key).") { Credential, at };
        claims.AddTo(command);
        return command.OnRead(async (result, session, ct) =>
        {
            var id = result.GetValue(Credential)!;
            var expected = claims.Read(result);
            var height = result.GetValue(at);
            if (height == 0)
            {
                height = (await NodeCalls.CallAsync(session, c => c.GetStatusAsync(session.Timeout, ct)).ConfigureAwait(false)).Height;
            }

            var answer = await NodeCalls.QueryAsync(session, IdentityRegistry.VerifyCredential(id, height, expected), ct, $"unknown credential '{id}'").ConfigureAwait(false);
            var verdict = answer.Value;
            if (Output.IsJson(result))
            {
                Output.Json(new JsonObject
                {
                    ["credential_id"] = id,
                    ["at_height"] = height,
                    ["valid"] = verdict.Valid,
                    ["reason"] = verdict.Reason,
                    ["credential"] = verdict.Credential is null ? null : ProtoJson.ToJson(verdict.Credential),
                });
            }
            else
            {
                var c = verdict.Credential;
                Console.Out.WriteLine(verdict.Valid
                    ? $"VALID: credential {id} at height {height} ({verdict.Reason})"
                    : $"NOT VALID: credential {id} at height {height}: {verdict.Reason}");
                if (c is not null)
                {
                    Console.Out.WriteLine($"  {c.Kind} issued at height {c.IssuedHeight.ToString(CultureInfo.InvariantCulture)} by {Hex.Encode(c.Issuer.Span)} ({c.IssuerDepartment}) to {Hex.Encode(c.Subject.Span)}");
                    if (c.RevokedHeight != 0)
                    {
                        Console.Out.WriteLine($"  revoked at height {c.RevokedHeight.ToString(CultureInfo.InvariantCulture)}: {c.RevocationReason}");
                    }
                }
            }

            return verdict.Valid ? 0 : ExitCodes.RegistryRefused;
        });
    }
}

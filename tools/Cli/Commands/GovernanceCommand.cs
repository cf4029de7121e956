using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Cli.Commands;

/// <summary>
/// <c>govchain governance ...</c>: membership changes by proposal of one department's admin and
/// approval of more than 2/3 of the departments (the system contract refuses, with the reason,
/// a change that would leave the network unable to commit).
/// </summary>
internal static class GovernanceCommand
{
    private static readonly Option<string> Department = CommandOptions.Required<string>("--department", "The department the signing admin acts for.");
    private static readonly Option<string> Target = CommandOptions.Required<string>("--target", "The department the change is about.");

    public static Command Create()
    {
        var governance = new Command("governance", "Propose and approve membership changes: departments, validator keys, TLS certificates, endpoints, voting power. " + ExitCodes.HelpText);
        var propose = new Command("propose", "Propose a change as admin of --department (counts as its approval).");
        propose.Subcommands.Add(AddDepartment());
        propose.Subcommands.Add(Simple("remove-department", "Remove a department, its validator and its role grants.", _ => SystemCalls.RemoveDepartment(_.GetValue(Target)!)));
        propose.Subcommands.Add(SetValidatorKey());
        propose.Subcommands.Add(RotateCertificate());
        propose.Subcommands.Add(SetEndpoint());
        propose.Subcommands.Add(SetPower());
        governance.Subcommands.Add(propose);
        governance.Subcommands.Add(Approve());
        return governance;
    }

    private static Command AddDepartment()
    {
        var name = CommandOptions.Required<string>("--name", "The department's name, e.g. \"Ministry of Health\".");
        var key = CommandOptions.Required<string>("--validator-key", "Its validator key: a public key (hex) or a key file.");
        var power = CommandOptions.Optional<ulong?>("--power", "Its voting power (default 1).");
        var endpoint = CommandOptions.Required<string>("--endpoint", "host:port of its node's peer listener.");
        var certificate = CommandOptions.Optional<string?>("--tls-cert", "Its node's TLS certificate (PEM file); required when the departments pin certificates.");
        var admins = new Option<string[]>("--admin") { Description = "A key (hex or key file) to hold department.admin for it; repeat for more.", Required = true };
        var command = new Command("add-department", "Add a department with its validator key, endpoint and certificate; it joins the validators two blocks after the change executes.")
        {
            Department, Target, name, key, power, endpoint, certificate, admins,
        };
        return command.OnCall(ctx =>
        {
            var r = ctx.Result;
            var department = new GovChain.Protocol.Department
            {
                Id = r.GetValue(Target)!,
                Name = r.GetValue(name)!,
                ValidatorKey = ByteString.CopyFrom(ctx.Session.ResolveParty(r.GetValue(key)!, "--validator-key")),
                VotingPower = r.GetValue(power) ?? 1,
                Endpoint = r.GetValue(endpoint)!,
                TlsCertificate = r.GetValue(certificate) is { } file ? ByteString.CopyFrom(ReadCertificate(file)) : ByteString.Empty,
            };
            var adminKeys = (r.GetValue(admins) ?? []).Select(a => ctx.Session.ResolveParty(a, "--admin")).ToArray();
            return SystemCalls.Propose(r.GetValue(Department)!, SystemCalls.AddDepartment(department, adminKeys), $"add department {department.Id}");
        });
    }

    private static Command SetValidatorKey()
    {
        var key = CommandOptions.Required<string>("--validator-key", "The new validator key: a public key (hex) or a key file.");
        var command = new Command("set-validator-key", "Rotate a department's validator key; the new key signs from two blocks after the change executes (list both key files in the node's ValidatorKeyFile/ValidatorKeyFiles).") { Department, Target, key };
        return command.OnCall(ctx => SystemCalls.Propose(
            ctx.Result.GetValue(Department)!,
            SystemCalls.SetValidatorKey(ctx.Result.GetValue(Target)!, ctx.Session.ResolveParty(ctx.Result.GetValue(key)!, "--validator-key")),
            $"rotate the validator key of {ctx.Result.GetValue(Target)}"));
    }

    private static Command RotateCertificate()
    {
        var certificate = CommandOptions.Required<string>("--tls-cert", "The new TLS certificate (PEM file).");
        var overlap = CommandOptions.Optional<ulong?>("--overlap-blocks", "How many blocks peers still accept the old certificate after the change (default 1000).");
        var command = new Command("rotate-certificate", "Rotate a department's TLS certificate: peers accept the new one at once and the old one for --overlap-blocks more blocks.") { Department, Target, certificate, overlap };
        return command.OnCall(ctx => SystemCalls.Propose(
            ctx.Result.GetValue(Department)!,
            SystemCalls.SetTlsCertificate(ctx.Result.GetValue(Target)!, ReadCertificate(ctx.Result.GetValue(certificate)!), ctx.Result.GetValue(overlap) ?? 1000),
            $"rotate the TLS certificate of {ctx.Result.GetValue(Target)}"));
    }

    private static Command SetEndpoint()
    {
        var endpoint = CommandOptions.Required<string>("--endpoint", "The new host:port of the department's peer listener.");
        var command = new Command("set-endpoint", "Move a department's node: peers dial it at the new endpoint once the change commits.") { Department, Target, endpoint };
        return command.OnCall(ctx => SystemCalls.Propose(
            ctx.Result.GetValue(Department)!, SystemCalls.SetEndpoint(ctx.Result.GetValue(Target)!, ctx.Result.GetValue(endpoint)!), $"move {ctx.Result.GetValue(Target)}"));
    }

    private static Command SetPower()
    {
        var power = CommandOptions.Required<ulong>("--power", "The new voting power (at least 1).");
        var command = new Command("set-power", "Change a department's voting power (from two blocks after the change executes).") { Department, Target, power };
        return command.OnCall(ctx => SystemCalls.Propose(
            ctx.Result.GetValue(Department)!, SystemCalls.SetVotingPower(ctx.Result.GetValue(Target)!, ctx.Result.GetValue(power)), $"voting power of {ctx.Result.GetValue(Target)}"));
    }

    private static Command Simple(string name, string description, Func<ParseResult, GovernanceAction> action)
    {
        var command = new Command(name, description) { Department, Target };
        return command.OnCall(ctx => SystemCalls.Propose(ctx.Result.GetValue(Department)!, action(ctx.Result), $"{name} {ctx.Result.GetValue(Target)}"));
    }

    private static Command Approve()
    {
        var proposal = CommandOptions.Required<ulong>("--proposal", "The proposal's number (printed by propose).");
        var command = new Command("approve", "Approve a proposal as admin of --department; the change executes with the approval that brings it above 2/3.") { Department, proposal };
        return command.OnCall(ctx => SystemCalls.Approve(ctx.Result.GetValue(proposal), ctx.Result.GetValue(Department)!));
    }

    private static byte[] ReadCertificate(string file)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(file));
            return certificate.RawData;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CliError($"--tls-cert: {file} is not a readable PEM certificate: {ex.Message}");
        }
    }
}

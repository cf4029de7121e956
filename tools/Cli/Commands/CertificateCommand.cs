using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GovChain.Cli.Infrastructure;
using GovChain.Node.Security;
using GovChain.Node.Setup;
using Spectre.Console;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain network cert</c>: a department's next TLS certificate, for a rotation before the current one expires.</summary>
internal static class CertificateCommand
{
    public const int MaxHosts = 32;

    public static Command Create()
    {
        var department = new Option<string>("--department") { Description = "The department the certificate is for (its subject).", Required = true };
        var hosts = new Option<string>("--hosts")
        {
            Description = "Comma-separated DNS names and IP addresses the node is reached by (its subject alternative names).",
            Required = true,
        };
        var days = new Option<int>("--days") { Description = "Days of validity.", DefaultValueFactory = _ => 365 };
        var output = new Option<string>("--out") { Description = "Folder to write tls.crt and tls.key (mode 0600) into; existing files are not replaced.", Required = true };
        var cert = new Command(
            "cert",
            "Make a department's new TLS certificate and key (ECDSA P-256, self-signed) for a governance rotation; prints its SHA-256 fingerprint and expiry.")
        {
            department, hosts, days, output,
        };
        cert.SetAction(result =>
        {
            var id = result.GetValue(department)!;
            var names = (result.GetValue(hosts) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(h => h.Trim('[', ']')).ToArray();
            if (names.Length is 0 or > MaxHosts)
            {
                throw new CliError($"--hosts: 1 to {MaxHosts} names");
            }

            if (names.Select(DepartmentHosts.Problem).FirstOrDefault(p => p is not null) is { } problem)
            {
                throw new CliError($"--hosts: {problem}");
            }

            var validity = result.GetValue(days);
            if (validity is < 1 or > 3650)
            {
                throw new CliError("--days: 1 to 3650");
            }

            var folder = Path.GetFullPath(result.GetValue(output)!);
            var certificateFile = Path.Combine(folder, NetworkFolder.CertificateFileName);
            var keyFile = Path.Combine(folder, NetworkFolder.CertificateKeyFileName);
            if (File.Exists(certificateFile) || File.Exists(keyFile))
            {
                throw new CliError($"'{folder}' already holds {NetworkFolder.CertificateFileName} or {NetworkFolder.CertificateKeyFileName}: write the new certificate into another folder (the node still uses the old one until the rotation)");
            }

            Directory.CreateDirectory(folder);
            using var certificate = DepartmentCertificates.Create(id, names, TimeSpan.FromDays(validity));
            DepartmentCertificates.WritePem(certificate, certificateFile, keyFile);
            var fingerprint = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
            var notAfter = certificate.NotAfter.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
            if (Output.IsJson(result))
            {
                Output.Json(new JsonObject { ["certificate"] = certificateFile, ["key"] = keyFile, ["sha256"] = fingerprint, ["not_after"] = notAfter });
            }
            else
            {
                AnsiConsole.MarkupLine($"Wrote {Markup.Escape(certificateFile)} and {Markup.Escape(keyFile)}: sha256 {fingerprint}, valid until {Markup.Escape(notAfter)}.");
                AnsiConsole.MarkupLine("Submit it in a governance rotation with an overlap height; see the README, \"Rotating a department's certificate\".");
            }

            return 0;
        });
        return cert;
    }
}

using System.Text.Json.Nodes;
using GovChain.Cli.Tests.Support;

namespace GovChain.Cli.Tests;

/// <summary><c>govchain identity ...</c>: a diploma issued, verified and revoked through the CLI.</summary>
[Collection(CliTestNetworkCollection.Name)]
public sealed class IdentityCommandTests
{
    private readonly CliTestNetwork _net;

    public IdentityCommandTests(CliTestNetwork net)
    {
        _net = net;
    }

    [Fact]
    public async Task Credential_IssueVerifyRevoke_VerifySaysValidThenRevoked()
    {
        var student = _net.NewPerson("student");
        var personal = Path.Combine(_net.Folder, "carla.txt");
        var claims = Path.Combine(_net.Folder, "diploma.txt");
        var forged = Path.Combine(_net.Folder, "forged.txt");
        await File.WriteAllTextAsync(personal, "Carla Diaz, born 2003-04-12");
        await File.WriteAllTextAsync(claims, "BSc Civil Engineering, 2026");
        await File.WriteAllTextAsync(forged, "PhD Civil Engineering, 2026");

        await Ok("identity", "register", "--data", personal, "--key", student.KeyFile, "--passphrase-file", student.PassphraseFile, "--node", "education");
        var issued = JsonNode.Parse((await Ok("identity", "issue", "--credential", "DIPLOMA-0415", "--kind", "diploma", "--subject", student.PublicKey, "--claims", claims, "--key", "university", "--node", "education", "-o", "json")).Out)!;
        await _net.WaitForHeightAsync((ulong)issued["height"]!);

        var valid = await Ok("identity", "verify", "--credential", "DIPLOMA-0415", "--claims", claims, "--node", "land-registry");
        Assert.StartsWith("VALID: credential DIPLOMA-0415", valid.Out, StringComparison.Ordinal);

        var mismatch = await _net.RunAsync("identity", "verify", "--credential", "DIPLOMA-0415", "--claims", forged, "-o", "json");
        Assert.Equal(8, mismatch.ExitCode);
        Assert.False((bool)JsonNode.Parse(mismatch.Out)!["valid"]!);

        var wrongIssuer = await _net.RunAsync("identity", "revoke", "--credential", "DIPLOMA-0415", "--reason", "not mine to revoke", "--key", "bank");
        Assert.Equal(8, wrongIssuer.ExitCode);
        Assert.Contains("identity.revoke_credential refused", wrongIssuer.Error, StringComparison.Ordinal);

        var revoked = JsonNode.Parse((await Ok("identity", "revoke", "--credential", "DIPLOMA-0415", "--reason", "issued in error", "--key", "university", "-o", "json")).Out)!;
        await _net.WaitForHeightAsync((ulong)revoked["height"]!);
        var after = await _net.RunAsync("identity", "verify", "--credential", "DIPLOMA-0415", "--node", "justice", "-o", "json");
        Assert.Equal(8, after.ExitCode);
        var verdict = JsonNode.Parse(after.Out)!;
        Assert.False((bool)verdict["valid"]!);
        Assert.Equal("issued in error", (string?)verdict["credential"]!["revocation_reason"]);
        Assert.Equal(student.PublicKey, (string?)verdict["credential"]!["subject"]);
    }

    [Fact]
    public async Task Verify_UnknownCredential_FailsWithOneLine()
    {
        var run = await _net.RunAsync("identity", "verify", "--credential", "NO-SUCH-CREDENTIAL");

        Assert.Equal(8, run.ExitCode);
        Assert.Equal("error: unknown credential 'NO-SUCH-CREDENTIAL'", run.Error.Trim());
    }

    [Fact]
    public async Task Issue_BadClaimsHash_FailsWithOneLine()
    {
        var run = await _net.RunAsync("identity", "issue", "--credential", "X-1", "--kind", "diploma", "--subject", "bank", "--claims-hash", "abc", "--key", "university");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --claims-hash: expected 64 hex digits (a SHA-256 hash)", run.Error.Trim());
    }

    private async Task<CliResult> Ok(params string[] args)
    {
        var run = await _net.RunAsync(args);
        Assert.True(run.ExitCode == 0, $"govchain {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}{run.Out}");
        return run;
    }
}

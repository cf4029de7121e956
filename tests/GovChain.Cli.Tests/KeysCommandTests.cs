using System.Text.Json.Nodes;
using GovChain.Cli.Tests.Support;
using GovChain.Core.Crypto;

namespace GovChain.Cli.Tests;

/// <summary><c>govchain keys show | upgrade</c> on a version-1 key file (XSalsa20-Poly1305) written by the old binding.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private const string FixturePublicKey = "2543b92ff1095511476adc8369db6ddc933665a11978dda1404ee1066ca9559d";

    private readonly TempFolder _temp = new();
    private readonly string _key;
    private readonly string _passphrase;

    public KeysCommandTests()
    {
        _key = _temp.Sub("old.key");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "v1-xsalsa20poly1305.key"), _key);
        _passphrase = _temp.Sub("pass");
        File.WriteAllText(_passphrase, "old format fixture\n");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Show_Version1File_PrintsItsKey_AndSaysHowToUpgrade()
    {
        var run = await CliRunner.RunAsync("keys", "show", _key, "--check", "--passphrase-file", _passphrase, "-o", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(FixturePublicKey, (string?)JsonNode.Parse(run.Out)!["public_key"]);
        Assert.Contains("version-1 key file", run.Error, StringComparison.Ordinal);
        Assert.Contains($"govchain keys upgrade {_key}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Version1File_WrongPassphrase_FailsWithClearMessage()
    {
        File.WriteAllText(_passphrase, "not the passphrase\n");

        var run = await CliRunner.RunAsync("keys", "show", _key, "--check", "--passphrase-file", _passphrase);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("passphrase is wrong", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_Version1File_RewritesItAsVersion2_ThenShowHasNoNote_AndASecondUpgradeChangesNothing()
    {
        var upgrade = await CliRunner.RunAsync("keys", "upgrade", _key, "--passphrase-file", _passphrase, "-o", "json");

        Assert.True(upgrade.ExitCode == 0, upgrade.Error);
        Assert.Contains("upgraded", upgrade.Error, StringComparison.Ordinal);
        Assert.Equal(FixturePublicKey, (string?)JsonNode.Parse(upgrade.Out)!["public_key"]);
        Assert.Equal(KeyFile.FormatVersion, KeyFile.ReadFormatVersion(_key));

        var show = await CliRunner.RunAsync("keys", "show", _key, "--check", "--passphrase-file", _passphrase);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.DoesNotContain("note:", show.Error, StringComparison.Ordinal);

        var bytes = File.ReadAllBytes(_key);
        var again = await CliRunner.RunAsync("keys", "upgrade", _key, "--passphrase-file", _passphrase);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("already is key-file version 2", again.Error, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(_key));
    }

    [Fact]
    public async Task Upgrade_WrongPassphrase_FailsAndLeavesTheFile()
    {
        var before = File.ReadAllBytes(_key);
        File.WriteAllText(_passphrase, "not the passphrase\n");

        var run = await CliRunner.RunAsync("keys", "upgrade", _key, "--passphrase-file", _passphrase);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("passphrase is wrong", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_key));
    }
}

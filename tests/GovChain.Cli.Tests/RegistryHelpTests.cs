using GovChain.Cli.Tests.Support;

namespace GovChain.Cli.Tests;

/// <summary>Every registry command explains itself; read-only ones ask for no key, write ones require one.</summary>
public sealed class RegistryHelpTests
{
    [Theory]
    [InlineData("land register", true)]
    [InlineData("land offer", true)]
    [InlineData("land accept", true)]
    [InlineData("land approve", true)]
    [InlineData("land lien", true)]
    [InlineData("land release", true)]
    [InlineData("land history", false)]
    [InlineData("identity register", true)]
    [InlineData("identity issue", true)]
    [InlineData("identity revoke", true)]
    [InlineData("identity verify", false)]
    [InlineData("procurement publish", true)]
    [InlineData("procurement bid", true)]
    [InlineData("procurement reveal", true)]
    [InlineData("procurement award", true)]
    [InlineData("procurement approve-milestone", true)]
    [InlineData("tx submit", true)]
    [InlineData("tx show", false)]
    [InlineData("query", false)]
    [InlineData("block show", false)]
    public async Task Help_EveryRegistryCommand_DescribesItsOptions(string command, bool signs)
    {
        var run = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($" {command} ", run.Out, StringComparison.Ordinal);
        Assert.Contains("--node", run.Out, StringComparison.Ordinal);
        Assert.Contains("--output", run.Out, StringComparison.Ordinal);
        Assert.Equal(signs, run.Out.Contains("--key <key> (REQUIRED)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Offer_MissingRequiredOption_ExitsNonZeroNamingIt()
    {
        var run = await CliRunner.RunAsync("land", "offer", "--parcel", "P-1", "--key", "k.key");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--to", run.Error + run.Out, StringComparison.Ordinal);
    }
}

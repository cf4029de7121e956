namespace GovChain.LoadGen.Tests;

public sealed class LoadGenOptionsTests
{
    [Fact]
    public void Parse_NoMode_RunsNodeProcesses()
    {
        var options = LoadGenOptions.Parse(["--rate", "2000", "--duration", "20"]);

        Assert.False(options.InProcess);
        Assert.Null(options.CliPath);
        Assert.Equal(40_000, options.TransactionCount);
    }

    [Fact]
    public void Parse_InProcessAndCli_AreEachAccepted_ButNotTogether()
    {
        Assert.True(LoadGenOptions.Parse(["--in-process"]).InProcess);
        Assert.Equal("x/govchain.dll", LoadGenOptions.Parse(["--cli", "x/govchain.dll"]).CliPath);

        var error = Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--in-process", "--cli", "x/govchain.dll"]));
        Assert.Contains("--cli", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate", "fast")]
    [InlineData("--duration", "-3")]
    [InlineData("--cli")]
    [InlineData("--bogus")]
    public void Parse_BadArguments_ThrowArgumentException(params string[] args)
    {
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(args));
    }

    [Fact]
    public void CliLocator_MissingExplicitPath_NamesIt()
    {
        var error = Assert.Throws<FileNotFoundException>(() => CliLocator.Find("/nonexistent/govchain.dll"));

        Assert.Contains("/nonexistent/govchain.dll", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CliLocator_Default_FindsTheBuiltCli()
    {
        Assert.EndsWith("govchain.dll", CliLocator.Find(null), StringComparison.Ordinal);
    }
}

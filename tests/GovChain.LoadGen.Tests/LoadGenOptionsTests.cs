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

    [Fact]
    public void Parse_CompareEtcd_TakesTheLargeLoadUnlessTold()
    {
        Assert.False(LoadGenOptions.Parse([]).CompareEtcd);
        var options = LoadGenOptions.Parse(["--compare-etcd"]);
        Assert.True(options.CompareEtcd);
        Assert.Equal("l", options.EtcdLoad);
        Assert.Equal("m", LoadGenOptions.Parse(["--compare-etcd", "--etcd-load", "m"]).EtcdLoad);
    }

    [Fact]
    public void EtcdThroughput_IsReadFromPassAndFailLines()
    {
        Assert.Equal(2650, EtcdCluster.ParseThroughput(" 60 / 60 Boooo! 100.00% 1m0s\nPASS: Throughput is 2650 writes/s\nPASS: Slowest request took 0.3s\n"));
        Assert.Equal(151, EtcdCluster.ParseThroughput("FAIL: Throughput too low: 151 writes/s\n"));
        Assert.Null(EtcdCluster.ParseThroughput("Error: context deadline exceeded"));
    }

    [Theory]
    [InlineData("--etcd-load", "huge")]
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

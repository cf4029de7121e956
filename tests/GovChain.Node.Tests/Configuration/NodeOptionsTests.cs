using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Tests.Support;

namespace GovChain.Node.Tests.Configuration;

public sealed class NodeOptionsTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new(1, inMemory: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_cluster.Root, $"node-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private string ValidJson(string extra = "") => $$"""
        {
          "DataDirectory": "data",
          "DepartmentId": "dept-0",
          "GenesisFile": "{{_cluster.GenesisFile.Replace("\\", "\\\\", StringComparison.Ordinal)}}",
          "ListenAddress": "127.0.0.1:0"{{extra}}
        }
        """;

    [Fact]
    public void Load_ValidFile_ResolvesRelativePathsAgainstTheFile()
    {
        var options = NodeOptionsLoader.Load(WriteConfig(ValidJson()), includeEnvironment: false);

        Assert.Equal(Path.Combine(_cluster.Root, "data"), options.DataDirectory);
        Assert.Equal("dept-0", options.DepartmentId);
        Assert.Equal(1000, options.Consensus.EmptyBlockDelayMs);
        Assert.Equal(10_000, options.Consensus.IdleBlockIntervalMs);
    }

    [Fact]
    public void Load_EnvironmentVariable_OverridesTheFile()
    {
        Environment.SetEnvironmentVariable("GOVCHAIN__Consensus__ProposeMs", "4321");
        try
        {
            var options = NodeOptionsLoader.Load(WriteConfig(ValidJson()));
            Assert.Equal(4321, options.Consensus.ProposeMs);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOVCHAIN__Consensus__ProposeMs", null);
        }
    }

    [Theory]
    [InlineData(""","Consensus": { "ProposeMs": "soon" }""", "Consensus:ProposeMs")]
    [InlineData(""","ListenAdress": "127.0.0.1:1" """, "ListenAdress")]
    [InlineData(""","Mempool": { "MaxTransactions": 0 }""", "Mempool:MaxTransactions")]
    [InlineData(""","Mempool": { "MaxGappedPerSender": -1 }""", "Mempool:MaxGappedPerSender")]
    [InlineData(""","Mempool": { "FairSharePercent": 0 }""", "Mempool:FairSharePercent")]
    [InlineData(""","Mempool": { "GappedTtlBlocks": 0 }""", "Mempool:GappedTtlBlocks")]
    [InlineData(""","Consensus": { "PeerSignatureChecksPerSecond": -1 }""", "Consensus:PeerSignatureChecksPerSecond")]
    [InlineData(""","Storage": { "KeepRecentHeights": 3 }""", "Storage:KeepRecentHeights")]
    [InlineData(""","Consensus": { "SyncBatchBlocks": 5000 }""", "Consensus:SyncBatchBlocks")]
    [InlineData(""","Consensus": { "EmptyBlockDelayMs": 5000 }""", "Consensus:EmptyBlockDelayMs")]
    [InlineData(""","Consensus": { "IdleBlockIntervalMs": -1 }""", "Consensus:IdleBlockIntervalMs")]
    [InlineData(""","Tls": { "CertificateFile": "node.pem" }""", "Tls")]
    [InlineData(""","ValidatorKeyFile": "missing.key" """, "ValidatorKeyFile")]
    [InlineData(""","Peers": [ { "DepartmentId": "dept-1", "Address": "nowhere" } ]""", "Peers:0:Address")]
    [InlineData(""","ClientApi": { "MaxStreamsPerClient": 0 }""", "ClientApi:MaxStreamsPerClient")]
    [InlineData(""","ClientApi": { "MaxWaitersPerClient": 200000 }""", "ClientApi:MaxWaitersPerClient")]
    [InlineData(""","ClientApi": { "DataRateGracePeriodMs": 500 }""", "ClientApi:DataRateGracePeriodMs")]
    [InlineData(""","ClientApi": { "RequestsPerSecondPerClient": -1 }""", "ClientApi:RequestsPerSecondPerClient")]
    public void Load_BadSetting_FailsWithAnErrorNamingIt(string extra, string setting)
    {
        var ex = Assert.Throws<NodeConfigurationException>(() => NodeOptionsLoader.Load(WriteConfig(ValidJson(extra)), includeEnvironment: false));

        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0:7400", "Tls:CertificateFile")]
    [InlineData("127.0.0.1", "ListenAddress")]
    [InlineData("127.0.0.1:99999", "ListenAddress")]
    [InlineData("example.org:7400", "ListenAddress")]
    public void Validate_ListenAddress_PlaintextOnlyOnLoopbackAndAlwaysHostPort(string address, string setting)
    {
        var options = NodeOptionsLoader.Load(WriteConfig(ValidJson()), includeEnvironment: false);
        options.ListenAddress = address;

        Assert.Contains(NodeOptionsValidator.Validate(options), p => p.StartsWith(setting, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingFileAndMalformedJson_AreClearErrors()
    {
        Assert.Contains("does not exist", Assert.Throws<NodeConfigurationException>(() => NodeOptionsLoader.Load(Path.Combine(_cluster.Root, "none.json"))).Message);
        Assert.Contains("not valid JSON", Assert.Throws<NodeConfigurationException>(() => NodeOptionsLoader.Load(WriteConfig("{ \"DataDirectory\": "), includeEnvironment: false)).Message);
    }

    [Fact]
    public async Task Create_DepartmentNotInGenesis_StartsAsOneGovernanceAddsLater()
    {
        // Membership follows the chain: a department added by governance starts from genesis alone.
        var options = _cluster.Options(0);
        options.DepartmentId = "treasury";

        await using var node = GovChainNode.Create(options, new GovChainNodeSettings
        {
            PeerNetworkFactory = _ => new GovChain.Node.Network.IsolatedPeerNetwork(),
        });

        Assert.Equal("treasury", node.DepartmentId);
        Assert.Null(node.Identity.Genesis.FindDepartment("treasury"));
    }

    [Fact]
    public void Create_KeyOfAnotherDepartment_NamesValidatorKeyFile()
    {
        var options = _cluster.Options(0);

        var ex = Assert.Throws<NodeConfigurationException>(() => GovChainNode.Create(options, new GovChainNodeSettings
        {
            PeerNetworkFactory = _ => new GovChain.Node.Network.IsolatedPeerNetwork(),
            ValidatorKey = _cluster.Key(4242),
        }));

        Assert.StartsWith("ValidatorKeyFile", ex.Message, StringComparison.Ordinal);
    }
}

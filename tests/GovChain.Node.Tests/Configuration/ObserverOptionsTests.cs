using GovChain.Node.Configuration;

namespace GovChain.Node.Tests.Configuration;

public sealed class ObserverOptionsTests
{
    [Theory]
    [InlineData("https://land.gov.example:7400", null)]
    [InlineData("10.0.0.5:7400", null)]
    [InlineData("http://127.0.0.1:7400", null)]
    [InlineData("http://10.0.0.5:7400", "plaintext beyond loopback")]
    [InlineData("ftp://10.0.0.5:7400", "not an address")]
    [InlineData("https://10.0.0.5:7400/path", "not an address")]
    [InlineData("https://user@10.0.0.5:7400", "not an address")]
    [InlineData("", "not an address")]
    public void FollowProblem_NamesWhatIsWrong(string address, string? expected)
    {
        var problem = NodeOptionsValidator.FollowProblem(address);
        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_AnObserverWithAKeyOrAPeerListener_IsRefusedNamingTheSetting()
    {
        var options = new NodeOptions
        {
            DepartmentId = "auditor",
            ValidatorKeyFile = "validator.key",
            ValidatorPassphrase = "x",
            PeerListenAddress = "127.0.0.1:7401",
            Observer = new ObserverOptions { Follow = ["https://127.0.0.1:7400", "http://192.0.2.1:7400"], BanMs = -1 },
        };

        var problems = NodeOptionsValidator.Validate(options);

        Assert.Contains(problems, p => p.StartsWith("ValidatorKeyFile: an observer has no validator key", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("PeerListenAddress: an observer", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Observer:Follow:1:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Observer:BanMs:", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.StartsWith("Observer:Follow:0:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ANodeWithoutObserverSection_HasNoObserverProblems()
    {
        var problems = NodeOptionsValidator.Validate(new NodeOptions { DepartmentId = "a", PeerListenAddress = "127.0.0.1:7401" });

        Assert.DoesNotContain(problems, p => p.Contains("observer", StringComparison.OrdinalIgnoreCase));
    }
}

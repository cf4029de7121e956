using System.Net;
using System.Security.Cryptography.X509Certificates;
using GovChain.Cli.Localnet;
using GovChain.Cli.Tests.Support;
using GovChain.Core.Genesis;
using GovChain.Node.Configuration;

namespace GovChain.Cli.Tests;

/// <summary><c>network init --endpoints</c>: certificates name the hosts given; a network beyond loopback needs its own chain id.</summary>
public sealed class NetworkInitEndpointsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Init_WithEndpoints_CertificatesNameThoseHosts_AndGenesisListsThem()
    {
        var dir = _temp.Sub("net");
        var run = await CliRunner.RunAsync(
            "network", "init", "--out", dir, "--departments", "a,b", "--chain-id", "ministry-test", "--base-port", "7600",
            "--endpoints", "a=node-a.gov.example:7801,a=10.1.2.3,b=192.0.2.10", "-o", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        var layout = new NetworkLayout(dir);
        var genesis = GenesisDocument.Load(layout.GenesisFile);
        Assert.Equal("node-a.gov.example:7801", genesis.FindDepartment("a")!.Endpoint);
        Assert.Equal("192.0.2.10:7611", genesis.FindDepartment("b")!.Endpoint);

        var (dnsA, ipsA) = SubjectNames(layout.CertificateFile("a"));
        Assert.Equal(["node-a.gov.example"], dnsA);
        Assert.Equal([IPAddress.Parse("10.1.2.3")], ipsA);
        var (dnsB, ipsB) = SubjectNames(layout.CertificateFile("b"));
        Assert.Empty(dnsB);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], ipsB);

        // A DNS name cannot be bound: that node listens on every interface; an IP address is bound as given.
        var a = NodeOptionsLoader.Load(layout.ConfigFile("a"));
        Assert.Equal("0.0.0.0:7800", a.ListenAddress);
        Assert.Equal("0.0.0.0:7801", a.PeerListenAddress);
        var b = NodeOptionsLoader.Load(layout.ConfigFile("b"));
        Assert.Equal("192.0.2.10:7610", b.ListenAddress);
        Assert.Equal("192.0.2.10:7611", b.PeerListenAddress);
        Assert.Empty(NodeOptionsValidator.Validate(a));
    }

    [Fact]
    public async Task Init_WithoutEndpoints_CertificatesNameLoopbackOnly()
    {
        var dir = _temp.Sub("net");
        Assert.Equal(0, (await CliRunner.RunAsync("network", "init", "--out", dir, "--departments", "a", "--base-port", "0", "-o", "json")).ExitCode);

        var (dns, ips) = SubjectNames(new NetworkLayout(dir).CertificateFile("a"));
        Assert.Equal(["localhost"], dns);
        Assert.All(ips, ip => Assert.True(IPAddress.IsLoopback(ip)));
    }

    [Theory]
    [InlineData("a=10.0.0.5")]
    [InlineData("a=127.0.0.1,b=registry.gov.example")]
    [InlineData("b=[2001:db8::1]:7401")]
    public async Task Init_BeyondLoopback_WithTheDefaultChainId_IsRefusedAndWritesNothing(string endpoints)
    {
        var dir = _temp.Sub("net");
        var run = await CliRunner.RunAsync("network", "init", "--out", dir, "--departments", "a,b", "--base-port", "0", "--endpoints", endpoints);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'govchain-local' is for local networks", run.Error, StringComparison.Ordinal);
        Assert.Contains("--chain-id", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task Init_LoopbackEndpoints_KeepTheDefaultChainId()
    {
        var dir = _temp.Sub("net");
        var run = await CliRunner.RunAsync("network", "init", "--out", dir, "--departments", "a,b", "--base-port", "0", "--endpoints", "a=127.0.0.2,b=localhost", "-o", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("127.0.0.2:", GenesisDocument.Load(new NetworkLayout(dir).GenesisFile).FindDepartment("a")!.Endpoint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c=10.0.0.1", "no such department")]
    [InlineData("a=bad_host!", "not a host name")]
    [InlineData("a=10.0.0.1:80", "1025-65535")]
    [InlineData("a", "department=host")]
    [InlineData("a=10.0.0.1,a=10.0.0.2:7401", "only the first entry")]
    public async Task Init_BadEndpoints_FailWithOneLine(string endpoints, string expected)
    {
        var dir = _temp.Sub("net");
        var run = await CliRunner.RunAsync("network", "init", "--out", dir, "--departments", "a,b", "--chain-id", "x", "--base-port", "0", "--endpoints", endpoints);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task Cert_WritesTheNextCertificate_NamingTheHosts_AndNeverReplacesOne()
    {
        var dir = _temp.Sub("next");
        var run = await CliRunner.RunAsync("network", "cert", "--department", "finance", "--hosts", "finance.gov.example,10.2.0.7", "--days", "20", "--out", dir, "-o", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        var (dns, ips) = SubjectNames(Path.Combine(dir, "tls.crt"));
        Assert.Equal(["finance.gov.example"], dns);
        Assert.Equal([IPAddress.Parse("10.2.0.7")], ips);
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(dir, "tls.crt"), Path.Combine(dir, "tls.key"));
        Assert.InRange((certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays, 19, 20);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "tls.key")));

        var again = await CliRunner.RunAsync("network", "cert", "--department", "finance", "--hosts", "10.2.0.7", "--out", dir);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds", again.Error, StringComparison.Ordinal);
    }

    private static (string[] Dns, IPAddress[] Ips) SubjectNames(string certificateFile)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        return (san.EnumerateDnsNames().ToArray(), san.EnumerateIPAddresses().ToArray());
    }
}

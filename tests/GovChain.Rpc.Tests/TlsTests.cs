using System.Security.Cryptography.X509Certificates;
using GovChain.Rpc.Tests.Echo;

namespace GovChain.Rpc.Tests;

public sealed class TlsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly X509Certificate2 _serverCert = TestCertificates.SelfSigned("node.land-registry");
    private readonly X509Certificate2 _departmentCa = TestCertificates.Authority("Finance Department CA");
    private readonly X509Certificate2 _pinnedClient = TestCertificates.SelfSigned("node.education");
    private readonly X509Certificate2 _strangerClient = TestCertificates.SelfSigned("intruder");
    private readonly EchoService _echo = new();

    public void Dispose()
    {
        _serverCert.Dispose();
        _departmentCa.Dispose();
        _pinnedClient.Dispose();
        _strangerClient.Dispose();
    }

    [Fact]
    public async Task Tls_ClientTrustsServerCertificate_CallSucceeds()
    {
        await using var server = await StartAsync(ServerSecurity.Tls(_serverCert));
        using var channel = new RpcChannel(server.Address, new RpcChannelOptions { TrustedServerCertificates = [_serverCert] });
        Assert.StartsWith("https://", server.Address.ToString());
        var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "secure" }).WaitAsync(Bound);
        Assert.Equal("secure", reply.Text);
        Assert.Empty(reply.ClientCertificateThumbprint);
    }

    [Fact]
    public async Task Tls_ClientDoesNotTrustServerCertificate_IsUnavailable()
    {
        await using var server = await StartAsync(ServerSecurity.Tls(_serverCert));
        using var other = TestCertificates.SelfSigned("other");
        using var channel = new RpcChannel(server.Address, new RpcChannelOptions { TrustedServerCertificates = [other] });
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).WaitAsync(Bound));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Tls_ValidationCallback_DecidesOnTheServerCertificate()
    {
        await using var server = await StartAsync(ServerSecurity.Tls(_serverCert));
        X509Certificate2? seen = null;
        using var channel = new RpcChannel(server.Address, new RpcChannelOptions
        {
            ServerCertificateValidation = (cert, _, _) =>
            {
                seen = cert;
                return cert.Thumbprint == _serverCert.Thumbprint;
            },
        });
        var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "cb" }).WaitAsync(Bound);
        Assert.Equal("cb", reply.Text);
        Assert.Equal(_serverCert.Thumbprint, seen?.Thumbprint);
    }

    [Fact]
    public async Task MutualTls_PinnedClientCertificate_IsAcceptedAndVisibleToTheHandler()
    {
        await using var server = await StartAsync(ServerSecurity.MutualTls(_serverCert, [_pinnedClient, _departmentCa]));
        using var channel = ClientChannel(server, _pinnedClient);
        var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "dept" }).WaitAsync(Bound);
        Assert.Equal(_pinnedClient.Thumbprint, reply.ClientCertificateThumbprint);
    }

    [Fact]
    public async Task MutualTls_ClientCertificateIssuedByTrustedCa_IsAccepted()
    {
        await using var server = await StartAsync(ServerSecurity.MutualTls(_serverCert, [_departmentCa]));
        using var issued = TestCertificates.IssuedBy(_departmentCa, "node.finance");
        using var channel = ClientChannel(server, issued);
        var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "ca" }).WaitAsync(Bound);
        Assert.Equal(issued.Thumbprint, reply.ClientCertificateThumbprint);
    }

    [Fact]
    public async Task MutualTls_UntrustedClientCertificate_IsRefused()
    {
        await using var server = await StartAsync(ServerSecurity.MutualTls(_serverCert, [_pinnedClient, _departmentCa]));
        using var channel = ClientChannel(server, _strangerClient);
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).WaitAsync(Bound));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task MutualTls_ClientWithoutCertificate_IsRefused()
    {
        await using var server = await StartAsync(ServerSecurity.MutualTls(_serverCert, [_pinnedClient]));
        using var channel = new RpcChannel(server.Address, new RpcChannelOptions { TrustedServerCertificates = [_serverCert] });
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).WaitAsync(Bound));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task MutualTls_RefusedClient_DoesNotDisturbTrustedOnes()
    {
        await using var server = await StartAsync(ServerSecurity.MutualTls(_serverCert, [_pinnedClient]));
        using var stranger = ClientChannel(server, _strangerClient);
        await Assert.ThrowsAsync<RpcException>(() => stranger.UnaryAsync(EchoMethods.Unary, new EchoRequest()).WaitAsync(Bound));
        using var trusted = ClientChannel(server, _pinnedClient);
        var reply = await trusted.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "after" }).WaitAsync(Bound);
        Assert.Equal("after", reply.Text);
    }

    private RpcChannel ClientChannel(RpcServer server, X509Certificate2 clientCertificate) =>
        new(server.Address, new RpcChannelOptions { ClientCertificate = clientCertificate, TrustedServerCertificates = [_serverCert] });

    private async Task<RpcServer> StartAsync(ServerSecurity security)
    {
        var server = new RpcServer(new RpcServerOptions { Security = security }).AddService(_echo.Definition);
        await server.StartAsync();
        return server;
    }
}

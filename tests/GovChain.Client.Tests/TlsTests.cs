using System.Security.Cryptography.X509Certificates;
using GovChain.Client.Tests.Support;
using GovChain.Node.Security;
using Grpc.Core;

namespace GovChain.Client.Tests;

/// <summary>The client API's server TLS as the SDK trusts it: the node's certificate pinned (as genesis lists it), nothing else.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Call_OverTls_TrustsThePinnedCertificate_WhateverHostItNames()
    {
        // Pinned means trusted as it is: this certificate names another host than the one dialled.
        using var certificate = DepartmentCertificates.Create("land-registry", ["node.elsewhere.example"], TimeSpan.FromDays(1));
        await using var node = await TestNode.StartAsync(tlsCertificate: certificate);
        using var client = node.Client(Pinned(certificate));

        var status = await client.GetStatusAsync();

        Assert.Equal(Uri.UriSchemeHttps, node.Server.Address.Scheme);
        Assert.Equal("land-registry", status.DepartmentId);
    }

    [Fact]
    public async Task Call_OverTls_CertificateNotPinned_IsUnavailable_SayingTheCertificateWasRejected()
    {
        using var certificate = DepartmentCertificates.Create("land-registry", ["127.0.0.1"], TimeSpan.FromDays(1));
        using var other = DepartmentCertificates.Create("land-registry", ["127.0.0.1"], TimeSpan.FromDays(1));
        await using var node = await TestNode.StartAsync(tlsCertificate: certificate);
        var options = Pinned(other);
        options.Retry = RetryPolicy.None;
        using var client = node.Client(options);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetStatusAsync());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("certificate", ex.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CallerBuiltChannel_CarriesThePinsToo()
    {
        using var certificate = DepartmentCertificates.Create("land-registry", ["127.0.0.1"], TimeSpan.FromDays(1));
        await using var node = await TestNode.StartAsync(tlsCertificate: certificate);
        using var channel = GovChainClient.CreateChannel(node.Server.Address, new GovChainChannelOptions { TrustedServerCertificates = [certificate] });
        using var client = new GovChainClient(channel, TestNode.FastOptions());

        Assert.Equal("land-registry", (await client.GetStatusAsync()).DepartmentId);
        Assert.Null(client.Address);
    }

    private static GovChainClientOptions Pinned(X509Certificate2 certificate)
    {
        var options = TestNode.FastOptions();
        options.Channel = new GovChainChannelOptions { TrustedServerCertificates = [certificate] };
        return options;
    }
}

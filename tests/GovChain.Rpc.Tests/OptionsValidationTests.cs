using System.Security.Cryptography.X509Certificates;

namespace GovChain.Rpc.Tests;

public class OptionsValidationTests
{
    [Fact]
    public void ServerSecurity_CertificateWithoutPrivateKey_IsRefused()
    {
        using var withKey = TestCertificates.SelfSigned("node");
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        Assert.Throws<ArgumentException>(() => ServerSecurity.Tls(publicOnly));
        Assert.Throws<ArgumentException>(() => ServerSecurity.MutualTls(withKey, []));
    }

    [Fact]
    public void Channel_ClientCertificateOverPlaintext_IsRefused()
    {
        using var cert = TestCertificates.SelfSigned("client");
        Assert.Throws<ArgumentException>(() => new RpcChannel(new Uri("http://127.0.0.1:1"), new RpcChannelOptions { ClientCertificate = cert }));
        Assert.Throws<ArgumentException>(() => new RpcChannel(new Uri("ftp://127.0.0.1:1")));
    }

    [Fact]
    public void ServerOptions_OutOfRangeLimits_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpcServer(new RpcServerOptions { MaxReceiveMessageBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpcServer(new RpcServerOptions { Port = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpcServer(new RpcServerOptions { KeepAlivePingDelay = TimeSpan.Zero }));
    }
}

using System.Security.Cryptography.X509Certificates;
using GovChain.Node.Security;

namespace GovChain.Node.Tests.Security;

public sealed class DepartmentCertificatesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("govchain-certs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CreateWriteLoad_RoundTripsWithPrivateKeyAndLoopbackNames()
    {
        using var cert = DepartmentCertificates.Create("land-registry", ["127.0.0.1", "localhost"], TimeSpan.FromDays(365));
        var certPath = Path.Combine(_dir, "node.crt");
        var keyPath = Path.Combine(_dir, "node.key");

        DepartmentCertificates.WritePem(cert, certPath, keyPath);
        using var loaded = DepartmentCertificates.LoadPem(certPath, keyPath);

        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(cert.Thumbprint, loaded.Thumbprint);
        Assert.Contains("CN=land-registry", loaded.Subject, StringComparison.Ordinal);
        Assert.True(loaded.MatchesHostname("127.0.0.1"));
        Assert.True(loaded.MatchesHostname("localhost"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
    }

    [Fact]
    public void LoadPem_MismatchedKey_FailsNamingTheFile()
    {
        using var a = DepartmentCertificates.Create("a", ["127.0.0.1"], TimeSpan.FromDays(1));
        using var b = DepartmentCertificates.Create("b", ["127.0.0.1"], TimeSpan.FromDays(1));
        DepartmentCertificates.WritePem(a, Path.Combine(_dir, "a.crt"), Path.Combine(_dir, "a.key"));
        DepartmentCertificates.WritePem(b, Path.Combine(_dir, "b.crt"), Path.Combine(_dir, "b.key"));

        var ex = Assert.Throws<InvalidOperationException>(() => DepartmentCertificates.LoadPem(Path.Combine(_dir, "a.crt"), Path.Combine(_dir, "b.key")));
        Assert.Contains("a.crt", ex.Message, StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using GovChain.Grpc.Server;
using GovChain.Interop.Tests.Support;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GovChain.Interop.Tests;

/// <summary>grpc-js over mutual TLS against our server: ALPN, certificates and refusal as an independent client sees them.</summary>
public sealed class GrpcJsTlsTests : IAsyncLifetime
{
    private readonly X509Certificate2 _serverCert = TestCertificates.SelfSigned("node.land-registry");
    private readonly X509Certificate2 _clientCert = TestCertificates.SelfSigned("agency.finance");
    private readonly string _pemDir = Path.Combine(Path.GetTempPath(), "govchain-interop-" + Guid.NewGuid().ToString("N"));
    private GrpcEndpoint _server = null!;

    public async Task InitializeAsync()
    {
        NodeRunner.EnsureAvailable();
        Directory.CreateDirectory(_pemDir);
        await File.WriteAllTextAsync(Path.Combine(_pemDir, "server.crt"), _serverCert.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_pemDir, "client.crt"), _clientCert.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_pemDir, "client.key"), _clientCert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        _server = GrpcEndpoint.Create(
            new GrpcEndpointOptions { Security = ServerSecurity.MutualTls(_serverCert, [_clientCert]) },
            services =>
            {
                services.AddStrictGrpc();
                services.AddSingleton(new InteropService());
            },
            app => app.MapGrpcService<InteropService>());
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_pemDir, recursive: true);
        _serverCert.Dispose();
        _clientCert.Dispose();
    }

    [Fact]
    public async Task MutualTls_GrpcJsWithTrustedCertificate_IsServed()
    {
        var result = await RunAsync("tls");
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("over mtls", result.GetProperty("text").GetString());
    }

    [Fact]
    public async Task MutualTls_GrpcJsWithoutCertificate_IsRefused()
    {
        var result = await RunAsync("tlsWithoutClientCertificate");
        Assert.Equal((int)StatusCode.Unavailable, result.GetProperty("code").GetInt32());
    }

    private async Task<JsonElement> RunAsync(string scenario)
    {
        var output = await NodeRunner.RunAsync(
            TimeSpan.FromSeconds(40), "client.js", _server.Port.ToString(CultureInfo.InvariantCulture), scenario, _pemDir);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}

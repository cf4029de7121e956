using System.Globalization;
using System.Text.Json;
using GovChain.Grpc.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GovChain.Interop.Tests;

/// <summary>Our server (a <see cref="GrpcEndpoint"/> hosting the interop and standard health services), called by grpc-js.</summary>
public sealed class OurServerFixture : IAsyncLifetime
{
    public InteropService Service { get; } = new();

    public GrpcEndpoint Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        NodeRunner.EnsureAvailable();
        Server = GrpcEndpoint.Create(new GrpcEndpointOptions(), services =>
        {
            // Above the 3 MiB message of the large-message test, as the grpc-js side allows.
            services.AddStrictGrpc(o => o.MaxReceiveMessageSize = 8 * 1024 * 1024);
            services.AddSingleton(Service);
            // The whole server ("") is reported from its one check (a service with no checks is
            // UNKNOWN, not SERVING); any other service name is NOT_FOUND.
            services.AddGrpcHealthChecks(o => o.Services.Map(string.Empty, _ => true))
                .AddCheck("interop", () => HealthCheckResult.Healthy());
        }, app =>
        {
            app.MapGrpcService<InteropService>();
            app.MapGrpcHealthChecksService();
        });
        await Server.StartAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public class GrpcJsClientTests(OurServerFixture fixture) : IClassFixture<OurServerFixture>
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Unary_FromGrpcJs_EchoesMessageAndAsciiAndBinaryMetadata()
    {
        var result = await RunAsync("unary");
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("hello from grpc-js", result.GetProperty("text").GetString());
        Assert.Equal("deed", result.GetProperty("body").GetString());
        Assert.Equal("land-registry", result.GetProperty("echoHeader").GetString());
        Assert.Equal("land-registry", result.GetProperty("trailer").GetString());
        var expected = Convert.ToBase64String([0, 1, 2, 254, 255]);
        Assert.Equal(expected, result.GetProperty("echoBin").GetString());
        Assert.Equal(expected, result.GetProperty("trailerBin").GetString());
    }

    [Fact]
    public async Task ServerStreaming_FromGrpcJs_ReceivesAllInOrder()
    {
        var result = await RunAsync("serverStream");
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(Enumerable.Range(0, 25), result.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task ClientStreaming_FromGrpcJs_AllRequestsCounted()
    {
        var result = await RunAsync("clientStream");
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(10, result.GetProperty("index").GetInt32());
        Assert.Equal("0123456789", result.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Duplex_FromGrpcJs_PingPong()
    {
        var result = await RunAsync("duplex");
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(Enumerable.Range(0, 5).Select(i => "ping" + i), result.GetProperty("texts").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Error_FromOurHandler_ReachesGrpcJsWithCodeAndDecodedMessage()
    {
        var result = await RunAsync("error");
        Assert.Equal((int)StatusCode.NotFound, result.GetProperty("code").GetInt32());
        Assert.Equal("no parcel 12% été", result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task Deadline_SetByGrpcJs_IsDeadlineExceededAndOurHandlerIsCancelled()
    {
        var result = await RunAsync("deadline");
        Assert.Equal((int)StatusCode.DeadlineExceeded, result.GetProperty("code").GetInt32());
        await fixture.Service.CancellationObserved("slow-js").WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task UnknownMethod_FromGrpcJs_IsUnimplemented()
    {
        var result = await RunAsync("unimplemented");
        Assert.Equal((int)StatusCode.Unimplemented, result.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Gzip_FromGrpcJs_IsDecompressed()
    {
        var result = await RunAsync("gzip");
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.True(result.GetProperty("same").GetBoolean());
    }

    [Fact]
    public async Task LargeMessage_FromGrpcJs_RoundTrips()
    {
        var result = await RunAsync("large");
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(3 * 1024 * 1024, result.GetProperty("length").GetInt32());
    }

    [Fact]
    public async Task Cancel_ByGrpcJs_CancelsOurHandler()
    {
        var result = await RunAsync("cancel");
        Assert.Equal((int)StatusCode.Cancelled, result.GetProperty("code").GetInt32());
        await fixture.Service.CancellationObserved("cancel-js").WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Concurrent_64CallsFromGrpcJs_AllSucceed()
    {
        var result = await RunAsync("concurrent");
        Assert.Equal(64, result.GetProperty("ok").GetInt32());
    }

    [Fact]
    public async Task Health_CheckedByGrpcJs_ServingAndNotFound()
    {
        var result = await RunAsync("health");
        Assert.Equal("SERVING", result.GetProperty("overall").GetProperty("status").GetString());
        Assert.Equal((int)StatusCode.NotFound, result.GetProperty("unknown").GetProperty("code").GetInt32());
    }

    private async Task<JsonElement> RunAsync(string scenario)
    {
        var output = await NodeRunner.RunAsync(
            ScriptTimeout, "client.js", fixture.Server.Port.ToString(CultureInfo.InvariantCulture), scenario);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}

using System.Net;
using Google.Protobuf.Reflection;
using GovChain.Integration.Tests.Support;
using GovChain.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Grpc.Reflection.V1Alpha;

namespace GovChain.Integration.Tests;

/// <summary>
/// What an agency's tools expect of a standard gRPC server, on a department node's TLS client
/// endpoint: server reflection (grpcurl's list and describe) and gRPC-Web over HTTP/1.1 (browsers).
/// </summary>
public sealed class ClientEndpointStandardTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DepartmentNetwork _network = new();

    public Task InitializeAsync() => _network.StartAsync(0);

    public async Task DisposeAsync() => await _network.DisposeAsync();

    [Fact]
    public async Task Reflection_ListsTheClientApiAndHealth_AndDescribesTheClientApisMethods()
    {
        using var channel = GrpcChannel.ForAddress(_network.Nodes[0]!.Address!, new GrpcChannelOptions { HttpHandler = PinnedTo(0) });
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow + Bound);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "*" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "govchain.v1.Client" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => FileDescriptorProto.Parser.ParseFrom(bytes))
            .ToList();
        await call.RequestStream.CompleteAsync();

        Assert.Contains("govchain.v1.Client", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.DoesNotContain("govchain.v1.Peer", services);
        var client = Assert.Single(files.SelectMany(f => f.Service), s => s.Name == "Client");
        Assert.Contains(client.Method, m => m.Name == "SubmitTransaction" && m.InputType == ".govchain.v1.SubmitTransactionRequest");
        Assert.Contains(client.Method, m => m.Name == "StreamBlocks" && m.ServerStreaming);
    }

    [Fact]
    public async Task GrpcWeb_OverHttp11_AnswersTheClientApi_AndCarriesItsRefusals()
    {
        var web = new GrpcWebHandler(GrpcWebMode.GrpcWebText, PinnedTo(0)) { HttpVersion = HttpVersion.Version11 };
        using var channel = GrpcChannel.ForAddress(_network.Nodes[0]!.Address!, new GrpcChannelOptions { HttpHandler = web });
        var client = new GovChain.Protocol.Client.ClientClient(channel);

        var status = await client.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow + Bound);
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            client.GetBlockAsync(new GetBlockRequest { Height = 1_000_000 }, deadline: DateTime.UtcNow + Bound).ResponseAsync);

        Assert.Equal(_network.Genesis.ChainId, status.ChainId);
        Assert.Equal(DepartmentNetwork.Departments[0], status.DepartmentId);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no committed block at height 1000000", missing.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>TLS trusting exactly the node's certificate, as the SDK does.</summary>
    private SocketsHttpHandler PinnedTo(int i)
    {
        var expected = _network.Certificates[i].RawData;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(expected);
        return handler;
    }
}

using System.Security.Cryptography.X509Certificates;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Client.Verification;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Integration.Tests.Support;
using GovChain.Protocol;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace GovChain.Integration.Tests;

/// <summary>
/// Four departments over real gRPC on loopback (mutual TLS between peers, TLS to clients),
/// driven through the SDK as another agency would.
/// </summary>
public sealed class FourDepartmentNetworkTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly DepartmentNetwork _network = new();

    public Task InitializeAsync() => _network.StartAllAsync();

    public async Task DisposeAsync() => await _network.DisposeAsync();

    [Fact]
    public async Task RegistryWorkload_IsCommittedIdenticallyOnEveryNode_AndProvableOffline()
    {
        var client = _network.Client(0);
        var registrar = await client.CreateSignerAsync(_network.Registrar);
        using var seller = KeyPair.Generate();
        using var buyer = KeyPair.Generate();
        var acknowledged = new List<TransactionResult>();

        for (var i = 0; i < 6; i++)
        {
            var owner = i == 0 ? seller.PublicKey.ToArray() : buyer.PublicKey.ToArray();
            acknowledged.Add(await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel($"LR-{i:D4}", owner, new byte[32], 500 + (ulong)i)));
        }

        // A transfer in the three steps the land registry requires, each signed by its party,
        // submitted to different departments' nodes.
        var sellerSigner = await _network.Client(1).CreateSignerAsync(seller);
        acknowledged.Add(await _network.Client(1).ExecuteAsync(sellerSigner, LandRegistry.OfferTransfer("LR-0000", buyer.PublicKey, 250_000)));
        var buyerSigner = await _network.Client(2).CreateSignerAsync(buyer);
        acknowledged.Add(await _network.Client(2).ExecuteAsync(buyerSigner, LandRegistry.AcceptTransfer("LR-0000")));
        acknowledged.Add(await client.ExecuteAsync(registrar, LandRegistry.ApproveTransfer("LR-0000")));

        Assert.All(acknowledged, r => Assert.True(r.Receipt.Code == 0, r.Receipt.Message));
        var top = acknowledged.Max(r => r.Height);
        await _network.WaitForHeightAsync(top, Limit);

        var nodes = _network.Running.ToList();
        for (var h = 1UL; h <= top; h++)
        {
            var hashes = nodes.Select(n => n.Database.Blocks.GetBlockHash(h)).Distinct().ToList();
            var roots = nodes.Select(n => n.Database.State.GetRoot(h)).Distinct().ToList();
            Assert.Single(hashes);
            Assert.Single(roots);
        }

        foreach (var result in acknowledged)
        {
            var id = result.Transaction.Id();
            Assert.All(nodes, n => Assert.Equal(result.Height, n.Database.Blocks.GetTransaction(id)?.Height));
        }

        var parcel = await _network.Client(3).QueryAsync(LandRegistry.GetParcel("LR-0000"));
        Assert.Equal(buyer.PublicKey.ToArray(), parcel.Value!.Owner.ToByteArray());

        var verifier = new ProofVerifier(_network.Genesis);
        var txProof = await _network.Client(3).ProveTransactionAsync(acknowledged[^1].Transaction.Id(), verifier);
        Assert.True(txProof.IsProven, txProof.Problem);
        var stateProof = await _network.Client(2).ProveStateAsync(StateKeys.Parcel("LR-0000"), verifier);
        Assert.True(stateProof.IsProven, stateProof.Problem);
    }

    [Fact]
    public async Task PeerListener_RefusesAClientWithoutAGenesisCertificate()
    {
        using var outsiderCert = Node.Security.DepartmentCertificates.Create("outsider", ["127.0.0.1"], TimeSpan.FromDays(1));
        using var channel = PeerChannel(outsiderCert);
        var health = new Health.HealthClient(channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);

        // Refused in the TLS handshake: no gRPC status ever came back, only a transport error
        // (UNAVAILABLE or INTERNAL from Grpc.Net.Client, depending on whether the handshake or the
        // first read failed; the SDK reports both as UNAVAILABLE).
        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, ex.ToString());
        Assert.NotNull(ex.Status.DebugException);

        // The same call with a department's genesis certificate gets through TLS: the listener
        // answers, with the peer service and health only (no client API).
        using var member = PeerChannel(_network.Certificates[0]);
        var answered = await new Health.HealthClient(member).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, answered.Status);
        var clientApi = new GovChain.Protocol.Client.ClientClient(member);
        var refused = await Assert.ThrowsAsync<RpcException>(() => clientApi.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
    }

    /// <summary>A channel to department 1's peer listener, pinned to its certificate, presenting <paramref name="clientCertificate"/>.</summary>
    private GrpcChannel PeerChannel(X509Certificate2 clientCertificate)
    {
        var expected = _network.Certificates[1].RawData;
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) };
        handler.SslOptions.ClientCertificates = [clientCertificate];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(expected);
        return GrpcChannel.ForAddress($"https://127.0.0.1:{_network.PeerPort(1)}", new GrpcChannelOptions { HttpHandler = handler });
    }

    [Fact]
    public async Task OneDepartmentStopped_OthersKeepCommitting_AndItCatchesUpAfterRestart()
    {
        var client = _network.Client(0);
        var registrar = await client.CreateSignerAsync(_network.Registrar);
        using var owner = KeyPair.Generate();
        var first = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel("LR-1000", owner.PublicKey, new byte[32], 100));
        await _network.WaitForHeightAsync(first.Height, Limit);

        await _network.StopAsync(3);
        TransactionResult last = first;
        for (var i = 1; i <= 4; i++)
        {
            last = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel($"LR-10{i:D2}", owner.PublicKey, new byte[32], 100));
            Assert.Equal(0u, last.Receipt.Code);
        }

        Assert.True(last.Height > first.Height);
        await _network.StartAsync(3);
        await _network.WaitForHeightAsync(last.Height, Limit);

        var restarted = _network.Nodes[3]!;
        var reference = _network.Nodes[0]!;
        for (var h = 1UL; h <= last.Height; h++)
        {
            Assert.Equal(reference.Database.Blocks.GetBlockHash(h), restarted.Database.Blocks.GetBlockHash(h));
        }

        Assert.NotNull(restarted.Database.Blocks.GetTransaction(last.Transaction.Id()));
    }
}

using System.Security.Cryptography.X509Certificates;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Grpc.Peers;
using GovChain.Grpc.Server;
using GovChain.Node.Security;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;

namespace GovChain.Node.Tests.Network;

/// <summary>
/// Who may talk to a node over mutual TLS: two nodes run (members 0 and 1); member 2 is a
/// genesis department whose identity the tests wield by hand against node 0.
/// </summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private PeerCluster _cluster = null!;

    private PeerCluster.Member Target => _cluster[0];

    private PeerCluster.Member Absent => _cluster[2];

    public async Task InitializeAsync() => _cluster = await PeerCluster.StartAsync(3, tls: true, running: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Handshake_GenesisMemberWithItsOwnKeyAndCertificate_OpensASessionAttributedToIt()
    {
        using var channel = RawPeer.Channel(Target, Absent.Certificate);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));

        var session = await RawPeer.HandshakeAsync(call, Target, _cluster.Genesis.Hash, Absent.Id, Absent.Key.PublicKeyBytes(), Absent.Key, Absent.Certificate);
        await call.RequestStream.WriteAsync(new PeerClientFrame { Consensus = new ConsensusMessage { Commit = new CommitCertificate { Height = 9 } } });

        Assert.Equal(32, session.Length);
        await TestWait.UntilAsync(() => Target.Handler.Messages.Any(m => m.From == Absent.ValidatorKey), "the message arrived attributed to member 2");
        Assert.Equal(9UL, Target.Handler.Messages.Single(m => m.From == Absent.ValidatorKey).Message.Commit.Height);
    }

    [Fact]
    public async Task Connect_OutsiderCertificateNotInGenesis_IsRefusedDuringTls()
    {
        using var outsider = DepartmentCertificates.Create("outsider", ["127.0.0.1"], TimeSpan.FromDays(1));
        using var channel = RawPeer.Channel(Target, outsider);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));

        // Refused in the TLS handshake: the call never gets as far as response headers.
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseHeadersAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.DoesNotContain(Target.Handler.PeerHeights.Keys, k => k == Absent.ValidatorKey);
    }

    [Fact]
    public async Task Connect_ServerNotAskingForClientCertificates_RefusesEveryoneAsUnauthenticated()
    {
        // A node whose server was set up with plain TLS: the peer service still demands a pinned client certificate.
        await using var server = PeerEndpoint.Create(Target.Network!, new GrpcEndpointOptions { Security = ServerSecurity.Tls(Target.Certificate!) }, 8 * 1024 * 1024);
        await server.StartAsync();
        using var channel = TestChannels.Open(server.Address, pinnedServerCertificate: Target.Certificate!.RawData);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            RawPeer.HandshakeAsync(call, Target, _cluster.Genesis.Hash, Absent.Id, Absent.Key.PublicKeyBytes(), Absent.Key, null));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.True(Target.Logs.Has(5302, "no TLS client certificate"));
    }

    [Fact]
    public async Task Connect_MemberCertificateClaimingAnotherDepartment_IsPermissionDenied()
    {
        // Member 2's certificate, but it claims to be member 1 (with member 1's genesis key).
        using var channel = RawPeer.Channel(Target, Absent.Certificate);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            RawPeer.HandshakeAsync(call, Target, _cluster.Genesis.Hash, _cluster[1].Id, _cluster[1].Key.PublicKeyBytes(), _cluster[1].Key, Absent.Certificate));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.True(Target.Logs.Has(5302, "TLS client certificate is not the one the chain lists for 'dept-1'"));
    }

    [Fact]
    public async Task Connect_MemberSigningWithAWrongValidatorKey_IsUnauthenticatedAndLogged()
    {
        using var wrong = KeyPair.Generate();
        using var channel = RawPeer.Channel(Target, Absent.Certificate);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            RawPeer.HandshakeAsync(call, Target, _cluster.Genesis.Hash, Absent.Id, Absent.Key.PublicKeyBytes(), wrong, Absent.Certificate));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.True(Target.Logs.Has(5302, "does not verify"));
        Assert.DoesNotContain(Target.Handler.PeerHeights.Keys, k => k == Absent.ValidatorKey);
    }

    [Fact]
    public async Task Connect_MemberPresentingAKeyGenesisDoesNotList_IsPermissionDenied()
    {
        using var wrong = KeyPair.Generate();
        using var channel = RawPeer.Channel(Target, Absent.Certificate);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            RawPeer.HandshakeAsync(call, Target, _cluster.Genesis.Hash, Absent.Id, wrong.PublicKeyBytes(), wrong, Absent.Certificate));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.True(Target.Logs.Has(5302, "validator key is not the one the chain lists"));
    }

    [Fact]
    public async Task Connect_NodeOfAnotherChain_IsRefusedOnBothSides()
    {
        // Same departments, keys and certificates, but another chain: its genesis hash differs.
        var other = _cluster.Genesis.Proto.Clone();
        other.ChainId = "another-chain";
        var otherGenesis = GenesisDocument.FromProto(other);
        var logs = new CapturingLoggerFactory();
        await using var stranger = new GrpcPeerNetwork(
            otherGenesis, Absent.Id, Absent.Key, Absent.Handler, Absent.Transport, TimeProvider.System, logs, PeerCluster.TestOptions());
        await stranger.StartAsync(Absent.Handler, CancellationToken.None);

        await TestWait.UntilAsync(() => Target.Logs.Has(5302, "another chain"), "node 0 refused and logged the stranger");
        await TestWait.UntilAsync(() => logs.Has(5303, "PermissionDenied"), "the stranger logged the refusal");
        Assert.All(stranger.Peers, p => Assert.False(p.Connected));
        Assert.DoesNotContain(Target.Handler.PeerHeights.Keys, k => k == Absent.ValidatorKey);
    }

    [Fact]
    public void Constructor_KeyOrCertificateNotTheOnesGenesisLists_FailsWithTheReason()
    {
        using var wrong = KeyPair.Generate();
        var keyError = Assert.Throws<ArgumentException>(() => new GrpcPeerNetwork(
            _cluster.Genesis, Absent.Id, wrong, Absent.Handler, Absent.Transport, TimeProvider.System, new CapturingLoggerFactory()));
        Assert.Contains("is the key the chain lists", keyError.Message, StringComparison.Ordinal);

        var certError = Assert.Throws<ArgumentException>(() => new GrpcPeerNetwork(
            _cluster.Genesis, Absent.Id, Absent.Key, Absent.Handler, PeerTransport.MutualTls(Target.Certificate!), TimeProvider.System, new CapturingLoggerFactory()));
        Assert.Contains("certificate is not the one the chain lists", certError.Message, StringComparison.Ordinal);

        var plainError = Assert.Throws<ArgumentException>(() => new GrpcPeerNetwork(
            WithEndpoint(_cluster.Genesis, "dept-1", "10.1.2.3:7000"), Absent.Id, Absent.Key, Absent.Handler, PeerTransport.Plaintext, TimeProvider.System, new CapturingLoggerFactory()));
        Assert.Contains("loopback only", plainError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gossip_WithoutASessionOrWithAnotherMembersSession_IsRefused()
    {
        using var channel = RawPeer.Channel(Target, Absent.Certificate);
        var request = new GossipRequest();

        var none = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(PeerCalls.Gossip, request, GrpcCalls.Within(TestWait.Bound)));
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);

        // A real session of member 2, replayed from member 1's TLS identity.
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));
        var session = await RawPeer.HandshakeAsync(call, Target, _cluster.Genesis.Hash, Absent.Id, Absent.Key.PublicKeyBytes(), Absent.Key, Absent.Certificate);
        using var otherChannel = RawPeer.Channel(Target, _cluster[1].Certificate);
        var stolen = await Assert.ThrowsAsync<RpcException>(() =>
            otherChannel.UnaryAsync(PeerCalls.Gossip, request, GrpcCalls.Within(TestWait.Bound, new Metadata { { PeerMethods.SessionHeader, session } })));
        Assert.Equal(StatusCode.PermissionDenied, stolen.StatusCode);

        var own = await channel.UnaryAsync(PeerCalls.Gossip, request, GrpcCalls.Within(TestWait.Bound, new Metadata { { PeerMethods.SessionHeader, session } }));
        Assert.Empty(own.Results);
    }

    private static GenesisDocument WithEndpoint(GenesisDocument genesis, string departmentId, string endpoint)
    {
        var proto = genesis.Proto.Clone();
        foreach (var d in proto.Departments)
        {
            d.TlsCertificate = Google.Protobuf.ByteString.Empty;
            if (d.Id == departmentId)
            {
                d.Endpoint = endpoint;
            }
        }

        return GenesisDocument.FromProto(proto);
    }
}

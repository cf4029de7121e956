using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using GovChain.Grpc.Peers;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;

namespace GovChain.Node.Tests.Network;

/// <summary>Bad bytes and bad manners on the peer port end the offending call with a status; the node keeps serving.</summary>
public sealed class RobustnessTests : IAsyncLifetime
{
    // The same path as Connect, but sending raw bytes the server will try to parse as PeerClientFrame.
    private static readonly Method<BytesValue, BytesValue> RawConnect =
        GrpcMethods.Create<BytesValue, BytesValue>(MethodType.DuplexStreaming, PeerMethods.ServiceName, "Connect");

    private PeerCluster _cluster = null!;

    private PeerCluster.Member Target => _cluster[0];

    private PeerCluster.Member Absent => _cluster[2];

    public async Task InitializeAsync()
    {
        var options = PeerCluster.TestOptions();
        options.HandshakeTimeout = TimeSpan.FromSeconds(1);

        // Small enough that an oversized message still fits the HTTP/2 window, so the client
        // finishes writing it and then reads the server's verdict rather than racing it.
        options.MaxMessageBytes = 128 * 1024;
        options.MaxGossipBatchBytes = 64 * 1024;
        _cluster = await PeerCluster.StartAsync(3, tls: false, options, running: 2);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Connect_MalformedProtobuf_IsInvalidArgumentAndTheNodeKeepsServing()
    {
        var garbage = new byte[64];
        Array.Fill(garbage, (byte)0xFF);
        var error = await SendRawAsync(new BytesValue { Value = ByteString.CopyFrom(garbage) });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Gossip_OversizedMessage_IsResourceExhaustedAndTheNodeKeepsServing()
    {
        using var channel = RawPeer.Channel(Target, null);
        var request = new GossipRequest();
        request.Transactions.Add(new SignedTransaction { Body = ByteString.CopyFrom(new byte[_cluster.Options.MaxMessageBytes + 1024]) });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(PeerCalls.Gossip, request, GrpcCalls.Within(TestWait.Bound)));

        // Refused from the length prefix, before any session check or parsing.
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Connect_OversizedMessage_EndsTheCallAndTheNodeKeepsServing()
    {
        var error = await SendRawAsync(new BytesValue { Value = ByteString.CopyFrom(new byte[_cluster.Options.MaxMessageBytes + 1024]) });

        // The server refuses with RESOURCE_EXHAUSTED from the length prefix; a client still
        // writing the body when the refusal lands may see its own write cancelled instead.
        Assert.Contains(error.StatusCode, new[] { StatusCode.ResourceExhausted, StatusCode.Cancelled });
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Connect_ConsensusMessageBeforeTheHandshake_IsRefusedAndNotDelivered()
    {
        using var channel = RawPeer.Channel(Target, null);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));
        await call.RequestStream.WriteAsync(new PeerClientFrame { Consensus = new ConsensusMessage { Commit = new CommitCertificate { Height = 5 } } });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.DoesNotContain(Target.Handler.Messages, m => m.Message.Commit?.Height == 5);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Connect_CallerThatStopsMidHandshake_IsCutAtTheHandshakeTimeout()
    {
        using var channel = RawPeer.Channel(Target, null);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));
        await call.RequestStream.WriteAsync(new PeerClientFrame
        {
            Hello = new PeerHello
            {
                ProtocolVersion = HandshakeTranscript.Version,
                GenesisHash = ByteString.CopyFrom(_cluster.Genesis.Hash.ToArray()),
                DepartmentId = Absent.Id,
                ValidatorKey = ByteString.CopyFrom(Absent.Key.PublicKey),
                Nonce = ByteString.CopyFrom(new byte[32]),
            },
        });

        // The challenge comes, and then, with no proof, the server gives up on its own clock (1 s here, not the call's 20 s).
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.NotNull(call.ResponseStream.Current.Challenge);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(Target.Logs.Has(5302, "did not finish"));
    }

    [Fact]
    public async Task Connect_HandshakeFrameInsideAnOpenSession_EndsOnlyThatSession()
    {
        using var channel = RawPeer.Channel(Target, null);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));
        await RawPeer.HandshakeAsync(call, Target, _cluster.Genesis.Hash, Absent.Id, Absent.Key.PublicKeyBytes(), Absent.Key, null);

        await call.RequestStream.WriteAsync(new PeerClientFrame { Proof = new PeerProof() });
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
                // Height reports may come first.
            }
        });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task FetchBlocks_EmptyOrReversedRange_IsInvalidArgument()
    {
        using var channel = RawPeer.Channel(Target, null);
        using var call = channel.DuplexStreaming(PeerCalls.Connect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));
        var session = await RawPeer.HandshakeAsync(call, Target, _cluster.Genesis.Hash, Absent.Id, Absent.Key.PublicKeyBytes(), Absent.Key, null);

        using var fetch = channel.ServerStreaming(
            PeerCalls.FetchBlocks,
            new FetchBlocksRequest { FromHeight = 10, ToHeight = 3 },
            GrpcCalls.Within(TestWait.Bound, new Metadata { { PeerMethods.SessionHeader, session } }));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await fetch.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private async Task<RpcException> SendRawAsync(BytesValue payload)
    {
        using var channel = RawPeer.Channel(Target, null);
        using var call = channel.DuplexStreaming(RawConnect, new CallOptions(deadline: DateTime.UtcNow + TestWait.Bound));
        try
        {
            await call.RequestStream.WriteAsync(payload);
        }
        catch (RpcException ex)
        {
            return ex;
        }

        return await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
    }

    private async Task AssertStillServingAsync()
    {
        var marker = (ulong)Random.Shared.Next(1000, 1_000_000);
        _cluster[1].Network!.SendTo(Target.ValidatorKey, new ConsensusMessage { Commit = new CommitCertificate { Height = marker } });
        await TestWait.UntilAsync(() => Target.Handler.Messages.Any(m => m.Message.Commit?.Height == marker), "a peer's message still arrives");
    }
}

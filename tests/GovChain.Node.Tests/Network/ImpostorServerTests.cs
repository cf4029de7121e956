using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Grpc.Peers;
using GovChain.Grpc.Server;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GovChain.Node.Tests.Network;

/// <summary>The dialler checks the listener too: something at a department's endpoint that cannot prove its key gets no session.</summary>
public sealed class ImpostorServerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Dial_ListenerThatCannotProveTheDepartmentsKey_IsNotConnectedAndLogged(bool claimsTheRightDepartment)
    {
        var (genesis, members) = PeerCluster.Plan(2, tls: false);
        var honest = members[0];
        var impersonated = members[1];
        using var impostorKey = KeyPair.Generate();
        var helloSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var framesAfterChallenge = 0;

        // Listens where genesis says department 1 is, answering with a forged challenge.
        var service = new ScriptedPeerService(async (requests, responses, context) =>
        {
            if (!await requests.MoveNext(context.CancellationToken))
            {
                return;
            }

            var hello = requests.Current.Hello;
            helloSeen.TrySetResult();
            var nonce = HandshakeTranscript.NewNonce();
            var binding = new HandshakeBinding(
                genesis.Hash, Hash32.Zero, Hash32.Zero, new Hash32(hello.ValidatorKey.Span), impersonated.ValidatorKey, new Hash32(hello.Nonce.Span), nonce);
            await responses.WriteAsync(new PeerServerFrame
            {
                Challenge = new PeerChallenge
                {
                    DepartmentId = claimsTheRightDepartment ? impersonated.Id : "dept-elsewhere",
                    ValidatorKey = ByteString.CopyFrom(impersonated.Key.PublicKey),
                    Nonce = ByteString.CopyFrom(nonce.ToArray()),
                    Signature = ByteString.CopyFrom(HandshakeTranscript.Sign(impostorKey, HandshakeRole.Listener, binding)),
                },
            }, context.CancellationToken);
            while (await requests.MoveNext(context.CancellationToken))
            {
                Interlocked.Increment(ref framesAfterChallenge);
            }
        });
        await using var impostor = GrpcEndpoint.Create(
            new GrpcEndpointOptions { Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, impersonated.Port) },
            services =>
            {
                services.AddStrictGrpc();
                services.AddSingleton(service);
            },
            app => app.MapGrpcService<ScriptedPeerService>());
        await impostor.StartAsync();

        await using (var network = new GrpcPeerNetwork(
            genesis, honest.Id, honest.Key, honest.Handler, honest.Transport, TimeProvider.System, honest.Logs, PeerCluster.TestOptions()))
        {
            await network.StartAsync(honest.Handler, CancellationToken.None);
            await helloSeen.Task.WaitAsync(TestWait.Bound);
            var expected = claimsTheRightDepartment ? "does not verify" : "did not identify as 'dept-1'";
            await TestWait.UntilAsync(() => honest.Logs.Has(5303, expected), "the dialler logged the forged challenge");

            Assert.False(network.Peers.Single().Connected);

            // No proof was ever sent to the impostor: the dialler signs nothing for a listener it could not verify.
            Assert.Equal(0, Volatile.Read(ref framesAfterChallenge));
            Assert.DoesNotContain(honest.Handler.PeerHeights.Keys, k => k == impersonated.ValidatorKey);
        }

        foreach (var m in members)
        {
            m.Dispose();
        }
    }
}

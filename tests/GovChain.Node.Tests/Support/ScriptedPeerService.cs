using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Node.Tests.Support;

/// <summary>A <c>govchain.v1.Peer</c> listener whose Connect does what the test scripts (an impostor, a liar).</summary>
internal sealed class ScriptedPeerService(Func<IAsyncStreamReader<PeerClientFrame>, IServerStreamWriter<PeerServerFrame>, ServerCallContext, Task> connect) : Peer.PeerBase
{
    public override Task Connect(IAsyncStreamReader<PeerClientFrame> requestStream, IServerStreamWriter<PeerServerFrame> responseStream, ServerCallContext context) =>
        connect(requestStream, responseStream, context);
}

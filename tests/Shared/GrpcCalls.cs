using Google.Protobuf;
using GovChain.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace GovChain.Tests.Shared;

/// <summary>
/// Method descriptors of the node's services for tests that call them directly, also with
/// request types the generated stubs would never send (raw bytes, a wrong message in the
/// right method) — built from the standard <see cref="Method{TRequest, TResponse}"/>.
/// </summary>
internal static class GrpcMethods
{
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(MethodType type, string service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(type, service, name, Marshal<TRequest>(), Marshal<TResponse>());

    private static Marshaller<T> Marshal<T>()
        where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
    }
}

/// <summary>The client API's methods (proto/govchain/v1/client.proto).</summary>
internal static class ClientApiMethods
{
    public const string ServiceName = "govchain.v1.Client";

    public static readonly Method<SubmitTransactionRequest, SubmitTransactionResponse> SubmitTransaction = Unary<SubmitTransactionRequest, SubmitTransactionResponse>("SubmitTransaction");
    public static readonly Method<GetTransactionRequest, TransactionResult> WaitForTransaction = Unary<GetTransactionRequest, TransactionResult>("WaitForTransaction");
    public static readonly Method<GetTransactionRequest, TransactionResult> GetTransaction = Unary<GetTransactionRequest, TransactionResult>("GetTransaction");
    public static readonly Method<GetBlockRequest, CertifiedBlock> GetBlock = Unary<GetBlockRequest, CertifiedBlock>("GetBlock");
    public static readonly Method<StreamBlocksRequest, CertifiedBlock> StreamBlocks = GrpcMethods.Create<StreamBlocksRequest, CertifiedBlock>(MethodType.ServerStreaming, ServiceName, "StreamBlocks");
    public static readonly Method<StreamEventsRequest, ContractEvent> StreamEvents = GrpcMethods.Create<StreamEventsRequest, ContractEvent>(MethodType.ServerStreaming, ServiceName, "StreamEvents");
    public static readonly Method<QueryRequest, QueryResponse> Query = Unary<QueryRequest, QueryResponse>("Query");
    public static readonly Method<GetTransactionRequest, TransactionProof> GetTransactionProof = Unary<GetTransactionRequest, TransactionProof>("GetTransactionProof");
    public static readonly Method<GetStateProofRequest, CertifiedStateProof> GetStateProof = Unary<GetStateProofRequest, CertifiedStateProof>("GetStateProof");
    public static readonly Method<GetStatusRequest, NodeStatus> GetStatus = Unary<GetStatusRequest, NodeStatus>("GetStatus");

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() => GrpcMethods.Create<TRequest, TResponse>(MethodType.Unary, ServiceName, name);
}

/// <summary>The peer service's methods (proto/govchain/v1/peer.proto).</summary>
internal static class PeerCalls
{
    public const string ServiceName = "govchain.v1.Peer";

    public static readonly Method<PeerClientFrame, PeerServerFrame> Connect = GrpcMethods.Create<PeerClientFrame, PeerServerFrame>(MethodType.DuplexStreaming, ServiceName, "Connect");
    public static readonly Method<GossipRequest, GossipResponse> Gossip = GrpcMethods.Create<GossipRequest, GossipResponse>(MethodType.Unary, ServiceName, "Gossip");
    public static readonly Method<FetchBlocksRequest, CertifiedBlock> FetchBlocks = GrpcMethods.Create<FetchBlocksRequest, CertifiedBlock>(MethodType.ServerStreaming, ServiceName, "FetchBlocks");
}

/// <summary>Calls on a channel by descriptor, as the generated stubs make them.</summary>
internal static class GrpcCalls
{
    public static Task<TResponse> UnaryAsync<TRequest, TResponse>(this GrpcChannel channel, Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class
        where TResponse : class => channel.CreateCallInvoker().AsyncUnaryCall(method, null, options, request).ResponseAsync;

    public static AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(this GrpcChannel channel, Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class
        where TResponse : class => channel.CreateCallInvoker().AsyncServerStreamingCall(method, null, options, request);

    public static AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(this GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class
        where TResponse : class => channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null, options);

    /// <summary>Options with a deadline <paramref name="timeout"/> from now.</summary>
    public static CallOptions Within(TimeSpan timeout, Metadata? headers = null, CancellationToken cancellationToken = default) =>
        new(headers, DateTime.UtcNow + timeout, cancellationToken);
}

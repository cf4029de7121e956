using GovChain.Protocol;
using GovChain.Rpc;

namespace GovChain.Rpc.Services;

/// <summary>
/// The methods of <c>govchain.v1.Client</c> (proto/govchain/v1/client.proto), one descriptor each:
/// the node serves them and the SDK calls them, so both take them from here.
/// </summary>
public static class ClientApiMethods
{
    public const string ServiceName = "govchain.v1.Client";

    public static readonly Method<SubmitTransactionRequest, SubmitTransactionResponse> SubmitTransaction =
        Method.Unary(ServiceName, "SubmitTransaction", SubmitTransactionRequest.Parser, SubmitTransactionResponse.Parser);

    public static readonly Method<GetTransactionRequest, TransactionResult> WaitForTransaction =
        Method.Unary(ServiceName, "WaitForTransaction", GetTransactionRequest.Parser, TransactionResult.Parser);

    public static readonly Method<GetTransactionRequest, TransactionResult> GetTransaction =
        Method.Unary(ServiceName, "GetTransaction", GetTransactionRequest.Parser, TransactionResult.Parser);

    public static readonly Method<GetBlockRequest, CertifiedBlock> GetBlock =
        Method.Unary(ServiceName, "GetBlock", GetBlockRequest.Parser, CertifiedBlock.Parser);

    public static readonly Method<StreamBlocksRequest, CertifiedBlock> StreamBlocks =
        Method.ServerStreaming(ServiceName, "StreamBlocks", StreamBlocksRequest.Parser, CertifiedBlock.Parser);

    public static readonly Method<StreamEventsRequest, ContractEvent> StreamEvents =
        Method.ServerStreaming(ServiceName, "StreamEvents", StreamEventsRequest.Parser, ContractEvent.Parser);

    public static readonly Method<QueryRequest, QueryResponse> Query =
        Method.Unary(ServiceName, "Query", QueryRequest.Parser, QueryResponse.Parser);

    public static readonly Method<GetTransactionRequest, TransactionProof> GetTransactionProof =
        Method.Unary(ServiceName, "GetTransactionProof", GetTransactionRequest.Parser, TransactionProof.Parser);

    public static readonly Method<GetStatusRequest, NodeStatus> GetStatus =
        Method.Unary(ServiceName, "GetStatus", GetStatusRequest.Parser, NodeStatus.Parser);

    public static readonly Method<GetStateProofRequest, CertifiedStateProof> GetStateProof =
        Method.Unary(ServiceName, "GetStateProof", GetStateProofRequest.Parser, CertifiedStateProof.Parser);
}

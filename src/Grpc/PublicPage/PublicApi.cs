using System.Text.Json.Nodes;
using Google.Protobuf;
using GovChain.Core.Proofs;
using GovChain.Grpc.ClientApi;
using GovChain.Node.Hosting;
using GovChain.Protocol;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace GovChain.Grpc.PublicPage;

/// <summary>
/// The read-only JSON API behind the public page. Proofs come from the client API's own methods
/// and are written by <see cref="ProofJson"/>, so a proof fetched here is the very document
/// <c>govchain proof get</c> saves, and one verifier in the page checks both. Nothing here is
/// trusted by the page: it verifies every record against a genesis before calling it proven.
/// </summary>
internal sealed class PublicApi
{
    public const int DefaultBlockCount = 10;
    public const int MaxBlockCount = 20;

    private readonly GovChainNode _node;
    private readonly ClientApiService _clientApi;

    public PublicApi(GovChainNode node, ClientApiService clientApi)
    {
        _node = node;
        _clientApi = clientApi;
    }

    public IResult Status()
    {
        var status = _node.Status.GetStatus();
        return Results.Json(new JsonObject
        {
            ["chain_id"] = status.ChainId,
            ["department_id"] = status.DepartmentId,
            ["department_name"] = _node.Identity.Department.Name,
            ["height"] = status.Height,
            ["last_block_time_unix_ms"] = status.LastBlockTimeUnixMs,
            ["catching_up"] = status.CatchingUp,
        });
    }

    /// <summary>The node's own genesis: a convenience, labelled as such in the page (a citizen may load their own).</summary>
    public string GenesisJson() => _node.Identity.Genesis.ToJson();

    public async Task<IResult> StateProof(HttpContext http)
    {
        if (!PublicQuery.TryStateKey(http.Request, out var key, out var problem) || !PublicQuery.TryHeight(http.Request, "height", out var height, out problem))
        {
            return Refuse(StatusCodes.Status400BadRequest, problem);
        }

        return await Answer(async () => ProofJson.Write(await _clientApi.GetStateProof(
            new GetStateProofRequest { Key = ByteString.CopyFrom(key), Height = height }, new PublicCallContext(http.RequestAborted)).ConfigureAwait(false))).ConfigureAwait(false);
    }

    public async Task<IResult> TransactionProof(HttpContext http)
    {
        if (!PublicQuery.TryTxId(http.Request, out var id, out var problem))
        {
            return Refuse(StatusCodes.Status400BadRequest, problem);
        }

        return await Answer(async () => ProofJson.Write(await _clientApi.GetTransactionProof(
            new GetTransactionRequest { TxId = ByteString.CopyFrom(id) }, new PublicCallContext(http.RequestAborted)).ConfigureAwait(false))).ConfigureAwait(false);
    }

    /// <summary>The latest blocks (or those below <c>before</c>), newest first, without their transactions.</summary>
    public IResult Blocks(HttpContext http)
    {
        if (!PublicQuery.TryHeight(http.Request, "before", out var before, out var problem)
            || !PublicQuery.TryCount(http.Request, "count", DefaultBlockCount, MaxBlockCount, out var count, out problem))
        {
            return Refuse(StatusCodes.Status400BadRequest, problem);
        }

        var blocks = _node.Database.Blocks;
        var last = blocks.LastHeight;
        var top = before is 0 || before > last ? last : before - 1;
        var list = new JsonArray();
        for (var h = top; h >= 1 && list.Count < count; h--)
        {
            if (Summary(h, withTransactions: false) is { } summary)
            {
                list.Add(summary);
            }
        }

        return Results.Json(new JsonObject { ["last_height"] = last, ["blocks"] = list });
    }

    public IResult Block(HttpContext http)
    {
        if (!PublicQuery.TryHeight(http.Request, "height", out var height, out var problem) || !http.Request.Query.ContainsKey("height") || height == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, problem.Length > 0 ? problem : "give 'height', a block height from 1");
        }

        var last = _node.Database.Blocks.LastHeight;
        return Summary(height, withTransactions: true) is { } summary
            ? Results.Json(summary)
            : Refuse(StatusCodes.Status404NotFound, $"no committed block at height {height} (the last is {last})");
    }

    public static IResult Refuse(int status, string reason) =>
        Results.Json(new JsonObject { ["error"] = reason }, statusCode: status);

    private JsonObject? Summary(ulong height, bool withTransactions)
    {
        var blocks = _node.Database.Blocks;
        if (blocks.GetBlock(height) is not { } stored)
        {
            return null;
        }

        var receipts = withTransactions ? blocks.GetReceipts(height) : null;
        return BlockSummaries.Of(stored, receipts, _clientApi.ValidatorsOf(stored.Block.Header), _node.Identity.Genesis, withTransactions);
    }

    // The client API's refusals keep their reason; only the status is translated to HTTP.
    private static async Task<IResult> Answer(Func<Task<string>> read)
    {
        try
        {
            return Results.Text(await read().ConfigureAwait(false), "application/json; charset=utf-8");
        }
        catch (RpcException ex)
        {
            var status = ex.StatusCode switch
            {
                StatusCode.NotFound => StatusCodes.Status404NotFound,
                StatusCode.InvalidArgument or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
                StatusCode.FailedPrecondition => StatusCodes.Status409Conflict,
                StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
                _ => StatusCodes.Status500InternalServerError,
            };
            return Refuse(status, ex.Status.Detail);
        }
    }
}

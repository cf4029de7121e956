using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GovChain.Cli.Connection;
using GovChain.Cli.Infrastructure;
using GovChain.Client;
using GovChain.Contracts.Engine;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Cli.Registry;

/// <summary>What a write command reports: the transaction, its receipt and how long the commit took.</summary>
internal sealed record TransactionOutcome(TransactionResult Result, Hash32 TxId, double LatencyMs)
{
    public bool Succeeded => Result.Receipt.Code == 0;
}

/// <summary>
/// The two calls every registry command makes: sign, submit and wait for a transaction (with a
/// deadline), or run a read-only query; each failure becomes one line and an exit code.
/// </summary>
internal static class NodeCalls
{
    /// <summary>Signs <paramref name="call"/> with the signer's next nonce, submits it and waits for its receipt.</summary>
    public static async Task<TransactionOutcome> ExecuteAsync(NodeSession session, KeyPair signer, ContractCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(call);
        SignedTransaction tx;
        try
        {
            var chainId = session.Genesis?.ChainId;
            var transactionSigner = await session.Client.CreateSignerAsync(signer, chainId, cancellationToken).ConfigureAwait(false);
            tx = transactionSigner.SignNext(call);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            throw ExitCodes.FromRpc(ex, session.Address);
        }

        var id = tx.Id();
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await session.Client.SubmitAndWaitAsync(tx, session.Timeout, cancellationToken).ConfigureAwait(false);
            return new TransactionOutcome(result, id, watch.Elapsed.TotalMilliseconds);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            throw new CliError(
                $"transaction {id} was not committed within {session.Timeout.TotalSeconds:0} s; it may still commit: look it up with 'govchain tx show {id}'",
                ExitCodes.Unreachable);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            throw ExitCodes.FromRpc(ex, session.Address);
        }
    }

    /// <summary>Runs a query; NOT_FOUND becomes <paramref name="notFound"/> when given (e.g. "unknown parcel 'P-9'").</summary>
    public static async Task<QueryAnswer<T>> QueryAsync<T>(NodeSession session, ContractQuery<T> query, CancellationToken cancellationToken, string? notFound = null)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            return await session.Client.QueryAsync(query, session.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && notFound is not null)
        {
            throw new CliError(notFound, ExitCodes.RegistryRefused);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            throw ExitCodes.FromRpc(ex, session.Address);
        }
    }

    /// <summary>Runs any other client call, with the same one-line errors.</summary>
    public static async Task<T> CallAsync<T>(NodeSession session, Func<GovChainClient, Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call(session.Client).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            throw ExitCodes.FromRpc(ex, session.Address);
        }
    }

    /// <summary>
    /// Prints the outcome (a line, or JSON with <paramref name="extra"/> fields) and returns the exit
    /// code: 0 when committed successfully, <see cref="ExitCodes.RegistryRefused"/> with the contract's
    /// code and message when the contract refused it.
    /// </summary>
    public static int Report(ParseResult result, TransactionOutcome outcome, string? success = null, JsonObject? extra = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(outcome);
        var receipt = outcome.Result.Receipt;
        var body = TransactionBody.Parser.ParseFrom(outcome.Result.Transaction.Body);
        var what = $"{body.Contract}.{body.Method}";
        var ms = outcome.LatencyMs.ToString("0", CultureInfo.InvariantCulture);
        if (Output.IsJson(result))
        {
            var json = new JsonObject
            {
                ["tx_id"] = outcome.TxId.ToString(),
                ["contract"] = body.Contract,
                ["method"] = body.Method,
                ["committed"] = true,
                ["succeeded"] = outcome.Succeeded,
                ["height"] = outcome.Result.Height,
                ["index"] = outcome.Result.Index,
                ["code"] = receipt.Code,
                ["error"] = outcome.Succeeded ? null : CodeName(receipt.Code),
                ["message"] = receipt.Message,
                ["latency_ms"] = Math.Round(outcome.LatencyMs, 1),
                ["events"] = new JsonArray(receipt.Events.Select(e => (JsonNode)ProtoJson.ToJson(e)).ToArray()),
            };
            foreach (var (name, value) in extra ?? [])
            {
                json[name] = value?.DeepClone();
            }

            Output.Json(json);
        }
        else if (outcome.Succeeded)
        {
            Console.Out.WriteLine($"{what} committed at height {outcome.Result.Height} in {ms} ms (tx {outcome.TxId})");
            if (success is not null)
            {
                Console.Out.WriteLine(success);
            }
        }

        if (!outcome.Succeeded)
        {
            Console.Error.WriteLine($"error: {what} refused at height {outcome.Result.Height}: {CodeName(receipt.Code)} (code {receipt.Code}): {receipt.Message}");
            return ExitCodes.RegistryRefused;
        }

        return 0;
    }

    /// <summary>The name of a receipt's result code (codes are append-only, so an unknown one is printed as its number).</summary>
    public static string CodeName(uint code) =>
        Enum.IsDefined(typeof(ResultCode), code) ? ((ResultCode)code).ToString() : code.ToString(CultureInfo.InvariantCulture);
}

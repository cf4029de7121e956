using System.Text.Json.Nodes;
using Google.Protobuf;
using GovChain.Client.Registries;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Cli.Registry;

/// <summary>A committed transaction as <c>tx show</c> and <c>block show</c> print it: the call decoded, its receipt beside it.</summary>
internal static class TransactionView
{
    public static JsonObject ToJson(SignedTransaction tx, Receipt? receipt)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var json = new JsonObject { ["tx_id"] = tx.Id().ToString() };
        TransactionBody body;
        try
        {
            body = TransactionBody.Parser.ParseFrom(tx.Body);
        }
        catch (InvalidProtocolBufferException)
        {
            // A committed transaction always parses; a node that answers otherwise is shown as such.
            json["body"] = Hex.Encode(tx.Body.Span);
            return json;
        }

        json["contract"] = body.Contract;
        json["method"] = body.Method;
        json["sender"] = Hex.Encode(body.Sender.Span);
        json["nonce"] = body.Nonce;
        json["args"] = DecodeArgs(body);
        if (body.Memo.Length > 0)
        {
            json["memo"] = body.Memo;
        }

        if (receipt is not null)
        {
            json["code"] = receipt.Code;
            json["result"] = receipt.Code == 0 ? "ok" : NodeCalls.CodeName(receipt.Code);
            json["message"] = receipt.Message;
            json["steps_used"] = receipt.StepsUsed;
            json["events"] = new JsonArray(receipt.Events.Select(e => (JsonNode)ProtoJson.ToJson(e)).ToArray());
        }

        return json;
    }

    /// <summary>One line: "land.offer_transfer by 3fa1… nonce 4: ok".</summary>
    public static string Summary(SignedTransaction tx, Receipt? receipt)
    {
        ArgumentNullException.ThrowIfNull(tx);
        TransactionBody body;
        try
        {
            body = TransactionBody.Parser.ParseFrom(tx.Body);
        }
        catch (InvalidProtocolBufferException)
        {
            return "(unreadable body)";
        }

        var outcome = receipt is null ? string.Empty : receipt.Code == 0 ? ": ok" : $": {NodeCalls.CodeName(receipt.Code)} ({receipt.Message})";
        return $"{body.Contract}.{body.Method} by {Hex.Encode(body.Sender.Span)[..16]}… nonce {body.Nonce}{outcome}";
    }

    private static JsonNode DecodeArgs(TransactionBody body)
    {
        if (RegistryCatalog.Find(body.Contract, body.Method) is { } method)
        {
            try
            {
                return ProtoJson.ToJson(method.Args.Parser.ParseFrom(body.Args));
            }
            catch (InvalidProtocolBufferException)
            {
                // Malformed arguments are committed too (the receipt says MalformedArgs): show the bytes.
            }
        }

        return JsonValue.Create(Hex.Encode(body.Args.Span));
    }
}

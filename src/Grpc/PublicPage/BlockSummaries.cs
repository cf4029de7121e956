using System.Text.Json.Nodes;
using Google.Protobuf;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage.Blocks;

namespace GovChain.Grpc.PublicPage;

/// <summary>
/// A committed block as the public page lists it: height, time, who proposed and who certified
/// it, its transactions (bounded), and its certified header in the proof files' JSON mapping so
/// the page's verifier checks the certificate itself instead of believing the names shown.
/// </summary>
internal static class BlockSummaries
{
    /// <summary>At most this many transactions of one block are listed.</summary>
    public const int MaxListedTransactions = 100;

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    public static JsonObject Of(StoredBlock stored, IReadOnlyList<Receipt>? receipts, ValidatorSet validators, GenesisDocument genesis, bool withTransactions)
    {
        var header = stored.Block.Header;
        var byKey = validators.Validators.ToDictionary(v => Hex.Encode(v.PublicKey.Span), v => v.DepartmentId, StringComparer.Ordinal);
        var certifiers = new JsonArray();
        foreach (var id in stored.Certificate.Signatures
                     .Select(s => byKey.GetValueOrDefault(Hex.Encode(s.Validator.Span)))
                     .OfType<string>()
                     .Order(StringComparer.Ordinal))
        {
            certifiers.Add(Department(id, genesis));
        }

        var json = new JsonObject
        {
            ["height"] = header.Height,
            ["time_unix_ms"] = header.TimeUnixMs,
            ["hash"] = stored.Hash.ToString(),
            ["tx_count"] = header.TxCount,
            ["proposer"] = byKey.TryGetValue(Hex.Encode(header.Proposer.Span), out var proposer) ? Department(proposer, genesis) : null,
            ["certified_by"] = certifiers,
            ["certified_header"] = new JsonObject
            {
                ["header"] = JsonNode.Parse(Formatter.Format(header)),
                ["certificate"] = JsonNode.Parse(Formatter.Format(stored.Certificate)),
                ["validators"] = JsonNode.Parse(Formatter.Format(validators)),
            },
        };
        if (withTransactions)
        {
            json["transactions"] = Transactions(stored.Block, receipts);
        }

        return json;
    }

    private static JsonObject Department(string id, GenesisDocument genesis) => new()
    {
        ["id"] = id,
        ["name"] = genesis.FindDepartment(id)?.Name is { Length: > 0 } name ? name : id,
    };

    private static JsonArray Transactions(Block block, IReadOnlyList<Receipt>? receipts)
    {
        var list = new JsonArray();
        var count = Math.Min(block.Transactions.Count, MaxListedTransactions);
        for (var i = 0; i < count; i++)
        {
            var tx = block.Transactions[i];
            var item = new JsonObject { ["id"] = tx.Id().ToString() };
            if (TransactionCodec.TryParseBody(tx.Body, out var body, out _))
            {
                item["contract"] = body!.Contract;
                item["method"] = body.Method;
            }

            if (receipts is not null && i < receipts.Count)
            {
                item["code"] = receipts[i].Code;
            }

            list.Add(item);
        }

        return list;
    }
}

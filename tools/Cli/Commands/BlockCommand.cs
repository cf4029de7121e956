using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using GovChain.Cli.Connection;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain block show HEIGHT|latest</c>: a committed block, who proposed and certified it, and its transactions.</summary>
internal static class BlockCommand
{
    public static Command Create()
    {
        var height = new Argument<string>("height") { Description = "A block height, or 'latest'." };
        var show = new Command("show", "Show a committed block: header, proposer, the departments whose precommits certify it, and its transactions with their results (read-only, no key).") { height };
        show.OnRead(async (result, session, ct) =>
        {
            var text = result.GetValue(height)!;
            ulong h;
            if (string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase))
            {
                h = (await NodeCalls.CallAsync(session, c => c.GetStatusAsync(session.Timeout, ct)).ConfigureAwait(false)).Height;
            }
            else if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out h) || h == 0)
            {
                throw new CliError($"'{text}' is not a block height (1, 2, ...) or 'latest'");
            }

            var block = await NodeCalls.CallAsync(session, c => c.GetBlockAsync(h, session.Timeout, ct)).ConfigureAwait(false)
                ?? throw new CliError($"no block at height {h} on node {session.Address} yet", ExitCodes.RegistryRefused);
            Print(result, session, block);
            return 0;
        });
        var blockCommand = new Command("block", "Inspect committed blocks. " + ExitCodes.HelpText);
        blockCommand.Subcommands.Add(show);
        return blockCommand;
    }

    private static void Print(ParseResult result, NodeSession session, CertifiedBlock certified)
    {
        var header = certified.Block.Header;
        var hash = header.Hash();
        var signers = certified.Certificate?.Signatures.Select(s => session.NameOfValidator(s.Validator.Span)).ToList() ?? [];
        var txs = certified.Block.Transactions
            .Select((tx, i) => (Tx: tx, Receipt: i < certified.Receipts.Count ? certified.Receipts[i] : null))
            .ToList();
        if (Output.IsJson(result))
        {
            Output.Json(new JsonObject
            {
                ["height"] = header.Height,
                ["hash"] = hash.ToString(),
                ["time"] = DateTimeOffset.FromUnixTimeMilliseconds(header.TimeUnixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["proposer"] = session.NameOfValidator(header.Proposer.Span),
                ["certified_by"] = new JsonArray(signers.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
                ["certificate_round"] = certified.Certificate?.Round,
                ["header"] = ProtoJson.ToJson(header),
                ["transactions"] = new JsonArray(txs.Select(t => (JsonNode)TransactionView.ToJson(t.Tx, t.Receipt)).ToArray()),
            });
            return;
        }

        Console.Out.WriteLine($"block {header.Height}  {hash}");
        Console.Out.WriteLine($"  time         {DateTimeOffset.FromUnixTimeMilliseconds(header.TimeUnixMs):u}");
        Console.Out.WriteLine($"  proposer     {session.NameOfValidator(header.Proposer.Span)}");
        Console.Out.WriteLine($"  certified by {string.Join(", ", signers)} (round {certified.Certificate?.Round})");
        Console.Out.WriteLine($"  previous     {Hex.Encode(header.PreviousHash.Span)}");
        Console.Out.WriteLine($"  state root   {Hex.Encode(header.StateRoot.Span)}");
        Console.Out.WriteLine($"  tx root      {Hex.Encode(header.TxRoot.Span)}");
        Console.Out.WriteLine($"  transactions {txs.Count}");
        if (txs.Count > 0)
        {
            Output.Table(
                ["#", "tx id", "call"],
                txs.Select((t, i) => new[] { i.ToString(CultureInfo.InvariantCulture), t.Tx.Id().ToString(), TransactionView.Summary(t.Tx, t.Receipt) }));
        }
    }
}

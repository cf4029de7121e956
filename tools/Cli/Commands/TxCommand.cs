using System.CommandLine;
using System.Text.Json.Nodes;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain tx submit | show</c>: any registry method with JSON arguments, and a committed transaction by its id.</summary>
internal static class TxCommand
{
    public static Command Create()
    {
        var tx = new Command("tx", "Submit any registry transaction with JSON arguments, or show a committed one. " + ExitCodes.HelpText);
        tx.Subcommands.Add(Submit());
        tx.Subcommands.Add(Show());
        return tx;
    }

    /// <summary>The JSON arguments of a call: inline, from a file, or none (an empty message).</summary>
    internal static string ReadJsonArgs(ParseResult result, Option<string?> inline, Option<string?> file)
    {
        var text = result.GetValue(inline);
        var path = result.GetValue(file);
        if (text is not null && path is not null)
        {
            throw new CliError("give --args or --args-file, not both");
        }

        if (path is null)
        {
            return text ?? "{}";
        }

        try
        {
            if (new FileInfo(path).Length > ProtoJson.MaxInputChars)
            {
                throw new CliError($"--args-file '{path}' exceeds {ProtoJson.MaxInputChars} bytes");
            }

            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot read --args-file '{path}': {ex.Message}");
        }
    }

    internal static ContractMethod FindMethod(string contract, string method, bool query)
    {
        var found = RegistryCatalog.Find(contract, method);
        if (found is null || found.IsQuery != query)
        {
            var known = RegistryCatalog.All.Where(m => m.IsQuery == query && (m.Contract == contract || !RegistryCatalog.All.Any(x => x.Contract == contract)))
                .Select(m => $"{m.Contract} {m.Method}");
            var hint = found is not null ? (query ? " (it is a transaction: use 'govchain tx submit')" : " (it is a query: use 'govchain query')") : string.Empty;
            throw new CliError($"'{contract} {method}' is not a {(query ? "query" : "transaction method")}{hint}; known: {string.Join(", ", known)}");
        }

        return found;
    }

    internal static Option<string?> ArgsOption(string what) => new("--args") { Description = $"The {what}'s arguments as JSON, field names as in the .proto files, bytes as hex, e.g. '{{\"parcel_id\":\"P-17\"}}'." };

    internal static Option<string?> ArgsFileOption() => new("--args-file") { Description = "A file holding the JSON arguments." };

    private static Command Submit()
    {
        var contract = new Argument<string>("contract") { Description = "The contract: land, identity, procurement, registry or system." };
        var method = new Argument<string>("method") { Description = "The method, e.g. register_parcel (see the contract's .proto file)." };
        var args = ArgsOption("method");
        var argsFile = ArgsFileOption();
        var command = new Command("submit", "Sign and submit one call of any registry method, its arguments given as JSON; waits for the commit.") { contract, method, args, argsFile };
        return command.OnCall(ctx =>
        {
            var r = ctx.Result;
            var m = FindMethod(r.GetValue(contract)!, r.GetValue(method)!, query: false);
            var message = ProtoJson.Parse(m.Args, ReadJsonArgs(r, args, argsFile));
            return new ContractCall(m.Contract, m.Method, message);
        });
    }

    private static Command Show()
    {
        var id = new Argument<string>("txid") { Description = "The transaction's id (64 hex digits), as printed when it was submitted." };
        var command = new Command("show", "Show a committed transaction: its call, block, and receipt (read-only, no key).") { id };
        return command.OnRead(async (result, session, ct) =>
        {
            var text = result.GetValue(id)!;
            if (text.Length != 2 * Hash32.Size || !Hex.TryDecode(text, out var bytes))
            {
                throw new CliError($"'{text}' is not a transaction id (64 hex digits)");
            }

            var txId = new Hash32(bytes);
            var found = await NodeCalls.CallAsync(session, c => c.GetTransactionAsync(txId, session.Timeout, ct)).ConfigureAwait(false)
                ?? throw new CliError($"no committed transaction {txId} on node {session.Address}", ExitCodes.RegistryRefused);
            var view = TransactionView.ToJson(found.Transaction, found.Receipt);
            view["height"] = found.Height;
            view["index"] = found.Index;
            view["block_hash"] = Hex.Encode(found.BlockHash.Span);
            if (Output.IsJson(result))
            {
                Output.Json(view);
            }
            else
            {
                Console.Out.WriteLine($"transaction {txId}");
                Console.Out.WriteLine($"  block      height {found.Height}, index {found.Index}, hash {Hex.Encode(found.BlockHash.Span)}");
                Console.Out.WriteLine($"  call       {TransactionView.Summary(found.Transaction, found.Receipt)}");
                Console.Out.WriteLine($"  arguments  {view["args"]?.ToJsonString()}");
                foreach (var e in found.Receipt.Events)
                {
                    Console.Out.WriteLine($"  event      {e.Contract}.{e.Name} {string.Join(" ", e.Attributes.Select(a => $"{a.Key}={a.Value}"))}");
                }
            }

            return 0;
        });
    }
}

using System.CommandLine;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain query CONTRACT METHOD --args JSON</c>: any read-only registry query, its answer as JSON.</summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var contract = new Argument<string>("contract") { Description = "The contract: land, identity, procurement, registry or system." };
        var method = new Argument<string>("method") { Description = "The query, e.g. get_parcel, get_history, get_credential, get_tender, list_departments." };
        var args = TxCommand.ArgsOption("query");
        var argsFile = TxCommand.ArgsFileOption();
        var command = new Command("query", "Run a read-only registry query against the node's latest committed state and print the answer as JSON (no key). " + ExitCodes.HelpText)
        {
            contract, method, args, argsFile,
        };
        return command.OnRead(async (result, session, ct) =>
        {
            var m = TxCommand.FindMethod(result.GetValue(contract)!, result.GetValue(method)!, query: true);
            var message = ProtoJson.Parse(m.Args, TxCommand.ReadJsonArgs(result, args, argsFile));
            var response = await NodeCalls.CallAsync(session, c => c.QueryAsync(m.Contract, m.Method, message, session.Timeout, ct)).ConfigureAwait(false);
            JsonNode answer;
            if (QueryResultTypes.Find(m.Contract, m.Method) is { } type)
            {
                try
                {
                    answer = ProtoJson.ToJson(type.Parser.ParseFrom(response.Result));
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new CliError($"the node's answer is not a {type.Name}: {ex.Message}", ExitCodes.NodeRefused);
                }
            }
            else
            {
                answer = JsonValue.Create(Hex.Encode(response.Result.Span));
            }

            // Text and JSON alike: a query's answer is a record, and JSON is how records read here.
            var json = new JsonObject { ["contract"] = m.Contract, ["method"] = m.Method, ["height"] = response.Height, ["result"] = answer };
            if (Output.IsJson(result))
            {
                Output.Json(json);
            }
            else
            {
                Console.Out.WriteLine($"{m.Contract}.{m.Method} at height {response.Height}:");
                Output.Json(answer);
            }

            return 0;
        });
    }
}

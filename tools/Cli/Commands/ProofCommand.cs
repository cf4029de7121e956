using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using GovChain.Cli.Connection;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Proofs;
using GovChain.Client;
using GovChain.Core.Hashing;
using Grpc.Core;

namespace GovChain.Cli.Commands;

/// <summary>
/// <c>govchain proof get | verify</c>: fetch a transaction's or a record's proof from a node
/// into a file; check such a file offline against the genesis file alone.
/// </summary>
internal static class ProofCommand
{
    /// <summary>Exit code of a proof that does not hold (tampered, of another chain, corrupt).</summary>
    public const int ExitNotProven = ExitCodes.NotProven;

    public static Command Create()
    {
        var proof = new Command("proof", "Fetch and check cryptographic proofs of transactions and registry records.");
        proof.Subcommands.Add(CreateGet());
        proof.Subcommands.Add(CreateVerify());
        return proof;
    }

    private static Command CreateGet()
    {
        var tx = new Option<string?>("--tx") { Description = "A committed transaction's id (64 hex digits): prove it and its receipt." };
        var record = new Option<string?>("--record") { Description = "A registry record's state key, e.g. land/parcel/P-17, identity/cred/DIP-1, procurement/tender/T-9." };
        var parcel = new Option<string?>("--parcel") { Description = "Shorthand for --record land/parcel/<id>." };
        var height = new Option<ulong>("--height") { Description = "Prove the record in the state after this block (default: the latest)." };
        var output = new Option<string>("--out") { Description = "The proof file to write: binary, or JSON when the name ends in .json.", Required = true };
        var qr = new Option<string?>("--qr") { Description = "Also write a QR code (FILE.svg or FILE.png) of the link to the record's verification on the node's public page." };
        var get = new Command(
            "get",
            "Fetch a proof from a node and write it to a file, checked first against the genesis when one is given (--genesis or --dir). Exit codes: 0 written; 1 bad input or nothing to prove; 4 the node's proof does not verify; 7 node unreachable.")
        {
            tx, record, parcel, height, output, qr,
        };
        get.WithConnection();
        get.SetAction(async (result, ct) =>
        {
            var target = Target(result.GetValue(tx), result.GetValue(record), result.GetValue(parcel));
            var qrPath = result.GetValue(qr);
            if (qrPath is not null && VerificationLink.PathProblem(qrPath) is { } qrProblem)
            {
                throw new CliError(qrProblem);
            }

            using var session = NodeSession.Open(result);
            await session.CheckReachableAsync(ct).ConfigureAwait(false);
            var file = await FetchAsync(session.Client, target, result.GetValue(height), ct).ConfigureAwait(false);

            var path = result.GetValue(output)!;
            var json = ProofFile.IsJsonPath(path);
            ProofCheck? check = null;
            if (session.Genesis is { } genesis)
            {
                check = ProofCheck.Run(file, genesis);
                if (!check.IsProven)
                {
                    // A node's answer that does not verify is not worth keeping: it proves nothing.
                    throw new CliError($"the node's proof does not verify against the genesis, nothing written: {check.Verification.Problem}", ExitNotProven);
                }
            }

            file.Write(path, json);
            Print(result, path, json, file, check);
            if (qrPath is not null)
            {
                var link = VerificationLink.For(session.Address, target.TxId?.ToString(), target.Key);
                VerificationLink.WriteQr(qrPath, link);
                if (!Output.IsJson(result))
                {
                    Console.Out.WriteLine($"wrote a QR code of {link} to {qrPath}");
                }
            }

            return 0;
        });
        return get;
    }

    private static Command CreateVerify()
    {
        var file = new Argument<string>("file") { Description = "A proof file written by 'govchain proof get' (binary or JSON)." };
        var genesis = new Option<string>("--genesis") { Description = "The genesis file to trust; nothing else is trusted, no node is contacted.", Required = true };
        var tx = new Option<string?>("--tx") { Description = "Also require the proof to be about this transaction id." };
        var record = new Option<string?>("--record") { Description = "Also require the proof to be about this state key." };
        var parcel = new Option<string?>("--parcel") { Description = "Shorthand for --record land/parcel/<id>." };
        var maxAge = new Option<string?>("--max-age") { Description = "Refuse a proof whose block is older than this, e.g. 90s, 15m, 2h, 7d (or a .NET time span such as 1.00:00:00)." };
        var verify = new Command("verify", "Check a proof file offline against the genesis file alone: proven or not, what, at which height and block time, certified by which departments.")
        {
            file, genesis, tx, record, parcel, maxAge,
        };
        verify.SetAction(result =>
        {
            var oldest = result.GetValue(maxAge) is { } text ? Durations.Parse(text, "--max-age") : (TimeSpan?)null;
            var trusted = NodeSession.LoadGenesis(result.GetValue(genesis)!);
            var path = result.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliError($"proof file '{path}' does not exist");
            }

            var expectTx = result.GetValue(tx) is { } t ? ParseTxId(t) : (Hash32?)null;
            var expectRecord = result.GetValue(record) ?? (result.GetValue(parcel) is { } p ? "land/parcel/" + p : null);
            ProofCheck check;
            try
            {
                var proof = ProofFile.Read(path);
                check = Expectation(proof, expectTx, expectRecord) is { } mismatch
                    ? ProofCheck.Unreadable(mismatch)
                    : ProofCheck.Run(proof, trusted, expectRecord is null ? null : Encoding.UTF8.GetBytes(expectRecord), expectTx, oldest);
            }
            catch (ProofFileException ex)
            {
                check = ProofCheck.Unreadable(ex.Message);
            }

            if (Output.IsJson(result))
            {
                check.Json["file"] = path;
                Output.Json(check.Json);
            }
            else
            {
                PrintCheck(check);
            }

            return check.IsProven ? 0 : ExitNotProven;
        });
        return verify;
    }

    private static string? Expectation(ProofFile proof, Hash32? tx, string? record)
    {
        if (tx is not null && proof.Kind != ProofKind.Transaction)
        {
            return "the file proves a state record, not a transaction";
        }

        if (record is not null && proof.Kind != ProofKind.State)
        {
            return "the file proves a transaction, not a state record";
        }

        return null;
    }

    private sealed record ProofTarget(Hash32? TxId, string? Key);

    private static ProofTarget Target(string? tx, string? record, string? parcel)
    {
        var given = (tx is null ? 0 : 1) + (record is null ? 0 : 1) + (parcel is null ? 0 : 1);
        if (given != 1)
        {
            throw new CliError("name exactly one thing to prove: --tx ID, --record KEY or --parcel ID");
        }

        if (tx is not null)
        {
            return new ProofTarget(ParseTxId(tx), null);
        }

        var key = record ?? "land/parcel/" + parcel;
        if (key.Length is 0 or > 512 || key.Any(char.IsControl))
        {
            throw new CliError($"'{key}' is not a state key (like land/parcel/P-17)");
        }

        return new ProofTarget(null, key);
    }

    private static Hash32 ParseTxId(string text) =>
        text.Length == 64 && Hex.TryDecode(text, out var bytes)
            ? new Hash32(bytes)
            : throw new CliError($"'{text}' is not a transaction id (64 hex digits)");

    private static async Task<ProofFile> FetchAsync(GovChainClient client, ProofTarget target, ulong height, CancellationToken cancellationToken)
    {
        try
        {
            return target.TxId is { } id
                ? ProofFile.Of(await client.GetTransactionProofAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false))
                : ProofFile.Of(await client.GetStateProofAsync(Encoding.UTF8.GetBytes(target.Key!), height, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.FailedPrecondition or StatusCode.InvalidArgument or StatusCode.OutOfRange)
        {
            var what = target.TxId is { } t ? $"transaction {t}" : $"'{target.Key}'";
            throw new CliError($"the node has no proof of {what}: {ex.Status.Detail}");
        }
    }

    private static void Print(ParseResult result, string path, bool json, ProofFile file, ProofCheck? check)
    {
        var format = json ? "JSON" : "binary";
        if (Output.IsJson(result))
        {
            var node = new JsonObject { ["file"] = path, ["format"] = json ? "json" : "binary", ["checked_against_genesis"] = check is not null };
            if (check is not null)
            {
                foreach (var (name, value) in check.Json.ToList())
                {
                    check.Json.Remove(name);
                    node[name] = value;
                }
            }

            Output.Json(node);
            return;
        }

        Console.Out.WriteLine($"wrote the {(file.Kind == ProofKind.Transaction ? "transaction" : "record")} proof to {path} ({format})");
        if (check is null)
        {
            Console.Out.WriteLine("not checked: no genesis given (--genesis or --dir); check it with 'govchain proof verify'");
        }
        else
        {
            PrintCheck(check);
        }
    }

    private static void PrintCheck(ProofCheck check)
    {
        Console.Out.WriteLine(check.Headline());
        var width = check.Details.Count == 0 ? 0 : check.Details.Max(d => d.Label.Length);
        foreach (var (label, value) in check.Details)
        {
            Console.Out.WriteLine($"  {label.PadRight(width)}  {value}");
        }
    }
}

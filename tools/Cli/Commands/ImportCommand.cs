using System.CommandLine;
using System.Diagnostics;
using GovChain.Cli.Connection;
using GovChain.Cli.Import;
using GovChain.Cli.Infrastructure;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Client.Verification;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using Grpc.Core;
using Spectre.Console;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain import csv</c>: a land registry export registered as parcels, safely re-runnable.</summary>
internal static class ImportCommand
{
    /// <summary>Exit code of a run that finished but refused some rows (see the report): the registry's "no".</summary>
    public const int ExitRowsRejected = ExitCodes.RegistryRefused;

    /// <summary>Exit code of a run stopped before every row was settled (the node stopped answering); re-running continues it.</summary>
    public const int ExitInterrupted = ExitCodes.Unreachable;

    public static Command Create()
    {
        var import = new Command("import", "Load existing registry data into the chain.");
        import.Subcommands.Add(CreateCsv());
        return import;
    }

    private static Command CreateCsv()
    {
        var file = new Argument<string>("file") { Description = "The land registry export: UTF-8 CSV with a header row (format in the README)." };
        var report = new Option<string?>("--report") { Description = "Where to write the CSV report of rejected rows (default: <file>.rejected.csv beside the export)." };
        var batch = new Option<int>("--batch-size") { Description = "Registrations per batch (1 to 500).", DefaultValueFactory = _ => 100 };
        var concurrency = new Option<int>("--concurrency") { Description = "Batches awaiting their commit at once (1 to 16).", DefaultValueFactory = _ => 4 };
        var command = new Command(
            "csv",
            "Register the parcels of a land registry CSV export, signed by a land.registrar role holder (--key): batched, with a progress bar, a summary and a report of rejected rows. Parcels already on chain are skipped, so a run can be repeated. "
            + "Exit codes: 0 every row registered or already present; 1 bad file, header, key or passphrase; 6 the node refused the request; 7 node unreachable, or the run stopped part-way (run it again to continue); 8 finished with rejected rows (see the report).")
        {
            file, report, batch, concurrency,
        };
        command.WithSigner();
        command.SetAction(async (result, ct) =>
        {
            ImportOptions options;
            try
            {
                options = new ImportOptions(result.GetValue(batch), result.GetValue(concurrency));
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new CliError(ex.Message);
            }

            var path = result.GetValue(file)!;
            var export = LandExport.Load(path);
            using var session = NodeSession.Open(result);
            var signerKey = session.OpenSigner(result);
            var reportFile = result.GetValue(report) ?? ImportReportFile.DefaultPath(path);
            return await RunAsync(result, path, export, session, signerKey, options, reportFile, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult result, string path, LandExport export, NodeSession session, KeyPair key, ImportOptions options, string reportFile, CancellationToken cancellationToken)
    {
        var json = Output.IsJson(result);
        var client = session.Client;
        var status = await session.CheckReachableAsync(cancellationToken).ConfigureAwait(false);

        var role = await client.QueryAsync(Governance.HasRole("land.registrar", key.PublicKey), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!role.Value.Granted)
        {
            throw new CliError($"the key {Hex.Encode(key.PublicKey)[..16]}… does not hold the land.registrar role on chain '{status.ChainId}'");
        }

        var signer = await client.CreateSignerAsync(key, status.ChainId, cancellationToken).ConfigureAwait(false);
        var verifier = session.Genesis is null ? null : new ProofVerifier(session.Genesis);
        var clock = Stopwatch.StartNew();
        string? interruption = null;
        ParcelImporter? importer = null;
        try
        {
            if (json || export.Rows.Count == 0)
            {
                importer = new ParcelImporter(client, signer, options, _ => { }, verifier);
                await importer.RunAsync(export.Rows, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"registering {export.Rows.Count} parcels", maxValue: export.Rows.Count);
                        importer = new ParcelImporter(client, signer, options, n => task.Increment(n), verifier);
                        await importer.RunAsync(export.Rows, cancellationToken).ConfigureAwait(false);
                    }).ConfigureAwait(false);
            }
        }
        catch (RpcException ex)
        {
            interruption = ex.StatusCode == StatusCode.Cancelled ? "interrupted" : $"the node answered {ex.StatusCode}: {ex.Status.Detail}";
        }
        catch (OperationCanceledException)
        {
            interruption = "interrupted";
        }
        catch (InvalidDataException ex)
        {
            interruption = ex.Message;
        }

        var summary = new ImportSummary(
            path,
            export.RowsRead,
            importer?.Registered ?? 0,
            importer?.AlreadyPresent ?? 0,
            export.Rejected,
            importer?.RejectedOnChain ?? [],
            clock.Elapsed,
            reportFile,
            interruption);
        ImportReportFile.Write(reportFile, summary.RejectedLocally.Concat(summary.RejectedOnChain));
        Print(result, summary);
        if (interruption is not null)
        {
            await Console.Error.WriteLineAsync(
                $"error: the import stopped before every row was settled ({interruption}); run the same command again to continue: parcels already registered are skipped").ConfigureAwait(false);
            return ExitInterrupted;
        }

        return summary.Rejected > 0 ? ExitRowsRejected : 0;
    }

    private static void Print(ParseResult result, ImportSummary summary)
    {
        if (Output.IsJson(result))
        {
            Output.Json(summary.ToJson());
            return;
        }

        Output.Table(["import of " + summary.File, string.Empty], summary.ToCells());
        if (summary.Rejected > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]{summary.Rejected} row(s) rejected[/]: each with its line and reason in {Markup.Escape(summary.ReportFile)}");
        }
    }
}

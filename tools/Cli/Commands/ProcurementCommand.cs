using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using GovChain.Cli.Connection;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Client.Registries;
using GovChain.Core.Hashing;
using GovChain.Protocol.Procurement;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain procurement ...</c>: tenders, sealed bids and their reveal, award, milestone approval.</summary>
internal static class ProcurementCommand
{
    private static readonly Option<string> TenderOption = CommandOptions.Required<string>("--tender", "The tender's identifier, e.g. T-2026-ROADS-3.");
    private static readonly Option<string> SecretFile = CommandOptions.Required<string>("--secret-file", "The file holding the bid's amount and secret salt (written by 'bid' with mode 0600, read by 'reveal').");

    public static Command Create()
    {
        var procurement = new Command("procurement", "Public procurement: publish a tender, submit sealed bids, reveal them, award, approve milestones. " + ExitCodes.HelpText);
        procurement.Subcommands.Add(Publish());
        procurement.Subcommands.Add(Bid());
        procurement.Subcommands.Add(Reveal());
        procurement.Subcommands.Add(Award());
        procurement.Subcommands.Add(ApproveMilestone());
        return procurement;
    }

    private static Command Publish()
    {
        var title = CommandOptions.Required<string>("--title", "The tender's title.");
        var bidBlocks = CommandOptions.Required<ulong>("--bid-blocks", "Bids are accepted for this many blocks from now.");
        var revealBlocks = CommandOptions.Required<ulong>("--reveal-blocks", "After the bids close, reveals are accepted for this many blocks; the award comes after.");
        var milestones = new Option<string[]>("--milestone")
        {
            Description = "A milestone as DESCRIPTION=BASIS_POINTS (its share of the award out of 10000); repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var document = new HashInput("document", "The tender's specification");
        var command = new Command("publish", "Publish a tender with its bid and reveal windows (signed by a procurement officer).") { TenderOption, title, bidBlocks, revealBlocks, milestones };
        document.AddTo(command);
        return command.OnWrite(async ctx =>
        {
            var r = ctx.Result;
            var specs = (r.GetValue(milestones) ?? []).Select(ParseMilestone).ToArray();
            var hash = document.Read(r);
            if (r.GetValue(bidBlocks) is 0 or > 1_000_000 || r.GetValue(revealBlocks) is 0 or > 1_000_000)
            {
                throw new CliError("--bid-blocks and --reveal-blocks: give 1 to 1000000 blocks");
            }

            // Deadlines are heights; the chain moves on while this transaction waits, so count from the latest height.
            var height = (await NodeCalls.CallAsync(ctx.Session, c => c.GetStatusAsync(ctx.Session.Timeout, ctx.CancellationToken)).ConfigureAwait(false)).Height;
            var bidDeadline = height + r.GetValue(bidBlocks);
            var revealDeadline = bidDeadline + r.GetValue(revealBlocks);
            var outcome = await ctx.ExecuteAsync(ProcurementRegistry.PublishTender(r.GetValue(TenderOption)!, r.GetValue(title)!, hash, bidDeadline, revealDeadline, specs)).ConfigureAwait(false);
            return NodeCalls.Report(
                r,
                outcome,
                $"bids until height {bidDeadline}, reveals until height {revealDeadline}, award after that",
                new JsonObject { ["bid_deadline_height"] = bidDeadline, ["reveal_deadline_height"] = revealDeadline });
        });
    }

    private static Command Bid()
    {
        var amount = CommandOptions.Required<ulong>("--amount", "The bid's amount; it stays secret (only a hash is sent) until the reveal.");
        var force = new Option<bool>("--force") { Description = "Replace an existing --secret-file." };
        var command = new Command("bid", "Submit a sealed bid (signed by the bidder); the amount and a fresh secret salt are written to --secret-file for the reveal.") { TenderOption, amount, SecretFile, force };
        return command.OnWrite(async ctx =>
        {
            var r = ctx.Result;
            var tender = r.GetValue(TenderOption)!;
            var secret = BidSecret.Create(tender, ctx.Signer.PublicKey, r.GetValue(amount));
            // Written before submitting: a bid that commits must never lose its salt.
            var path = r.GetValue(SecretFile)!;
            secret.Write(path, r.GetValue(force));
            var outcome = await ctx.ExecuteAsync(ProcurementRegistry.SubmitBid(tender, ctx.Signer.PublicKey, secret.Amount, secret.SaltBytes)).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                // The contract refused the bid for good: nothing to reveal.
                File.Delete(path);
            }

            return NodeCalls.Report(r, outcome, $"sealed bid committed; keep {path} secret until the reveal", new JsonObject { ["secret_file"] = path });
        });
    }

    private static Command Reveal() =>
        new Command("reveal", "Reveal a sealed bid's amount and salt from --secret-file once bids have closed (signed by the bidder).") { SecretFile }
            .OnCall(ctx =>
            {
                var secret = BidSecret.Read(ctx.Result.GetValue(SecretFile)!);
                if (!string.Equals(secret.Bidder, Hex.Encode(ctx.Signer.PublicKey), StringComparison.Ordinal))
                {
                    throw new CliError($"--key is not the bidder of this secret file (bidder {secret.Bidder[..16]}…)");
                }

                return ProcurementRegistry.RevealBid(secret.TenderId, secret.Amount, secret.SaltBytes);
            });

    private static Command Award()
    {
        var command = new Command("award", "Award a tender to the lowest valid revealed bid once reveals have closed (signed by a procurement officer).") { TenderOption };
        return command.OnWrite(async ctx =>
        {
            var id = ctx.Result.GetValue(TenderOption)!;
            var outcome = await ctx.ExecuteAsync(ProcurementRegistry.AwardTender(id)).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                return NodeCalls.Report(ctx.Result, outcome);
            }

            // The node that committed the award answers with it at once.
            var tender = (await NodeCalls.QueryAsync(ctx.Session, ProcurementRegistry.GetTender(id), ctx.CancellationToken).ConfigureAwait(false)).Value;
            var award = tender.Award;
            var summary = award is null
                ? "no valid bid: the tender is closed without an award"
                : $"awarded to {Hex.Encode(award.Winner.Span)} for {award.Amount.ToString("N0", CultureInfo.InvariantCulture)} ({award.ValidBids} valid bids)";
            return NodeCalls.Report(ctx.Result, outcome, summary, new JsonObject { ["award"] = award is null ? null : ProtoJson.ToJson(award) });
        });
    }

    private static Command ApproveMilestone()
    {
        var index = CommandOptions.Required<uint>("--milestone", "The milestone's index (0 for the first).");
        var report = new HashInput("report", "The inspection report");
        var command = new Command("approve-milestone", "Approve a milestone of an awarded tender, releasing its payment (signed by a procurement inspector).") { TenderOption, index };
        report.AddTo(command);
        return command.OnCall(ctx => ProcurementRegistry.ApproveMilestone(ctx.Result.GetValue(TenderOption)!, ctx.Result.GetValue(index), report.Read(ctx.Result)));
    }

    private static TenderMilestoneSpec ParseMilestone(string text)
    {
        var split = text.LastIndexOf('=');
        if (split <= 0 || !uint.TryParse(text.AsSpan(split + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var share) || share is 0 or > 10_000)
        {
            throw new CliError($"--milestone '{text}': use DESCRIPTION=BASIS_POINTS with 1 to 10000 basis points");
        }

        return ProcurementRegistry.Milestone(text[..split], share);
    }
}

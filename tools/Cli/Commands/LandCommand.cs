using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using GovChain.Cli.Connection;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Registry;
using GovChain.Client.Registries;
using GovChain.Core.Hashing;
using GovChain.Protocol.Land;

namespace GovChain.Cli.Commands;

/// <summary><c>govchain land ...</c>: parcels, transfers (offer, accept, registrar's approval), liens, history.</summary>
internal static class LandCommand
{
    private static readonly Option<string> Parcel = CommandOptions.Required<string>("--parcel", "The parcel's identifier, e.g. P-17.");

    public static Command Create()
    {
        var land = new Command("land", "The land registry: register parcels, transfer them, register and release liens, read a parcel's history. " + ExitCodes.HelpText);
        land.Subcommands.Add(Register());
        land.Subcommands.Add(Offer());
        land.Subcommands.Add(Accept());
        land.Subcommands.Add(Approve());
        land.Subcommands.Add(Lien());
        land.Subcommands.Add(Release());
        land.Subcommands.Add(History());
        return land;
    }

    private static Command Register()
    {
        var owner = CommandOptions.Required<string>("--owner", "The owner: a public key (hex), a key file, or a role holder's name.");
        var area = CommandOptions.Required<ulong>("--area", "The area in square metres.");
        var location = CommandOptions.Optional<string?>("--location", "A plain-language location, e.g. \"Plot 4, Riverside\".");
        var deed = new HashInput("deed", "The title deed or survey");
        var command = new Command("register", "Register a new parcel to its owner (signed by a land registrar).") { Parcel, owner, area, location };
        deed.AddTo(command);
        return command.OnCall(ctx => LandRegistry.RegisterParcel(
            ctx.Result.GetValue(Parcel)!,
            ctx.Session.ResolveParty(ctx.Result.GetValue(owner)!, "--owner"),
            deed.Read(ctx.Result),
            ctx.Result.GetValue(area),
            ctx.Result.GetValue(location) ?? string.Empty));
    }

    private static Command Offer()
    {
        var to = CommandOptions.Required<string>("--to", "The buyer: a public key (hex), a key file, or a role holder's name.");
        var price = CommandOptions.Required<ulong>("--price", "The agreed price.");
        var command = new Command("offer", "Offer a parcel to a buyer at a price (signed by the owner).") { Parcel, to, price };
        return command.OnCall(ctx => LandRegistry.OfferTransfer(
            ctx.Result.GetValue(Parcel)!, ctx.Session.ResolveParty(ctx.Result.GetValue(to)!, "--to"), ctx.Result.GetValue(price)));
    }

    private static Command Accept() =>
        new Command("accept", "Accept the pending offer of a parcel (signed by the buyer).") { Parcel }
            .OnCall(ctx => LandRegistry.AcceptTransfer(ctx.Result.GetValue(Parcel)!));

    private static Command Approve() =>
        new Command("approve", "Approve an accepted transfer, making the buyer the owner (signed by a land registrar; refused while a lien is registered).") { Parcel }
            .OnCall(ctx => LandRegistry.ApproveTransfer(ctx.Result.GetValue(Parcel)!));

    private static Command Lien()
    {
        var id = CommandOptions.Required<string>("--lien", "The lien's identifier, e.g. MORTGAGE-77.");
        var amount = CommandOptions.Required<ulong>("--amount", "The amount the lien secures.");
        return new Command("lien", "Register a lien on a parcel (signed by a bank holding the land.bank role); it blocks transfers until released.") { Parcel, id, amount }
            .OnCall(ctx => LandRegistry.RegisterLien(ctx.Result.GetValue(Parcel)!, ctx.Result.GetValue(id)!, ctx.Result.GetValue(amount)));
    }

    private static Command Release()
    {
        var id = CommandOptions.Required<string>("--lien", "The lien's identifier.");
        return new Command("release", "Release a lien (signed by the bank that registered it).") { Parcel, id }
            .OnCall(ctx => LandRegistry.ReleaseLien(ctx.Result.GetValue(Parcel)!, ctx.Result.GetValue(id)!));
    }

    private static Command History()
    {
        var limit = new Option<uint>("--limit") { Description = "Show at most this many of the latest history entries (1 to 100000).", DefaultValueFactory = _ => 1000 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<uint>() is 0 or > 100_000)
            {
                r.AddError("--limit: give 1 to 100000 entries");
            }
        });
        var command = new Command("history", "A parcel's owner, liens, pending offer and its history of registrations, transfers and liens (read-only, no key).") { Parcel, limit };
        return command.OnRead(async (result, session, ct) =>
        {
            var id = result.GetValue(Parcel)!;
            var parcel = await NodeCalls.QueryAsync(session, LandRegistry.GetParcel(id), ct, $"unknown parcel '{id}'").ConfigureAwait(false);
            var length = parcel.Value.HistoryLength;
            var first = length > result.GetValue(limit) ? length - result.GetValue(limit) : 0;
            var entries = new List<ParcelHistoryEntry>();
            var total = ulong.MaxValue;
            // Pages are bounded by the contract; the history length read with the parcel bounds the loop.
            while (first + (ulong)entries.Count < Math.Min(total, length))
            {
                var page = await NodeCalls.QueryAsync(session, LandRegistry.GetHistory(id, first + (ulong)entries.Count), ct, $"unknown parcel '{id}'").ConfigureAwait(false);
                if (page.Value.Entries.Count == 0)
                {
                    break;
                }

                entries.AddRange(page.Value.Entries);
                total = page.Value.Total;
            }

            Print(result, parcel.Height, parcel.Value, entries);
            return 0;
        });
    }

    private static void Print(ParseResult result, ulong height, Parcel parcel, List<ParcelHistoryEntry> entries)
    {
        if (Output.IsJson(result))
        {
            Output.Json(new JsonObject
            {
                ["height"] = height,
                ["parcel"] = ProtoJson.ToJson(parcel),
                ["history"] = new JsonArray(entries.Select(e => (JsonNode)ProtoJson.ToJson(e)).ToArray()),
            });
            return;
        }

        Console.Out.WriteLine($"parcel {parcel.Id}, read at height {height}");
        Console.Out.WriteLine($"  owner      {Hex.Encode(parcel.Owner.Span)}");
        Console.Out.WriteLine($"  area       {parcel.AreaM2.ToString("N0", CultureInfo.InvariantCulture)} m²{(parcel.Location.Length > 0 ? ", " + parcel.Location : string.Empty)}");
        Console.Out.WriteLine($"  liens      {(parcel.Liens.Count == 0 ? "none" : string.Join("; ", parcel.Liens.Select(l => $"{l.Id} ({l.Amount.ToString("N0", CultureInfo.InvariantCulture)}, {l.DepartmentId})")))}");
        if (parcel.Offer is { } offer)
        {
            Console.Out.WriteLine($"  offer      to {Hex.Encode(offer.Buyer.Span)} for {offer.Price.ToString("N0", CultureInfo.InvariantCulture)}{(offer.Accepted ? ", accepted" : string.Empty)}");
        }

        Output.Table(
            ["#", "height", "event", "actor", "from", "to", "detail"],
            entries.Select(e => new[]
            {
                e.Sequence.ToString(CultureInfo.InvariantCulture),
                e.Height.ToString(CultureInfo.InvariantCulture),
                Kind(e.Kind),
                Short(e.Actor.Span),
                Short(e.FromOwner.Span),
                Short(e.ToOwner.Span),
                e.Detail,
            }));
    }

    /// <summary>"TRANSFER_OFFERED" reads better as "transfer offered".</summary>
    private static string Kind(ParcelHistoryKind kind) =>
        kind.ToString() switch
        {
            "TransferOffered" => "transfer offered",
            "TransferAccepted" => "transfer accepted",
            "TransferCancelled" => "transfer cancelled",
            "LienRegistered" => "lien registered",
            "LienReleased" => "lien released",
            var other => other.ToLowerInvariant(),
        };

    private static string Short(ReadOnlySpan<byte> key) => key.IsEmpty ? string.Empty : Hex.Encode(key)[..16] + "…";
}

using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.SystemContract;
using GovChain.Protocol.Land;

namespace GovChain.Contracts.Land;

/// <summary>
/// The <c>land</c> contract. A parcel has exactly one owner field, changed only by
/// <see cref="ApproveTransfer"/> after the owner offered and the buyer accepted, and never
/// while a lien exists. Keys: "land/parcel/&lt;id&gt;", "land/history/&lt;id&gt;/&lt;seq&gt;".
/// </summary>
internal sealed partial class LandContract : Contract
{
    public const int MaxLocationLength = 128;
    public const int MaxLiensPerParcel = 16;
    public const uint MaxHistoryPage = 100;

    public override string Name => ContractNames.Land;

    public static byte[] ParcelKey(string id) => RecordKeys.Parcel(id);

    public static byte[] HistoryKey(string id, ulong sequence) => RecordKeys.ParcelHistory(id, sequence);

    public override ByteString Execute(CallContext ctx, string method, ByteString args)
    {
        switch (method)
        {
            case LandMethods.RegisterParcel:
                RegisterParcel(ctx, ctx.ParseArgs(args, RegisterParcelArgs.Parser));
                break;
            case LandMethods.OfferTransfer:
                OfferTransfer(ctx, ctx.ParseArgs(args, OfferTransferArgs.Parser));
                break;
            case LandMethods.AcceptTransfer:
                AcceptTransfer(ctx, ctx.ParseArgs(args, AcceptTransferArgs.Parser));
                break;
            case LandMethods.ApproveTransfer:
                ApproveTransfer(ctx, ctx.ParseArgs(args, ApproveTransferArgs.Parser));
                break;
            case LandMethods.CancelTransfer:
                CancelTransfer(ctx, ctx.ParseArgs(args, CancelTransferArgs.Parser));
                break;
            case LandMethods.RegisterLien:
                RegisterLien(ctx, ctx.ParseArgs(args, RegisterLienArgs.Parser));
                break;
            case LandMethods.ReleaseLien:
                ReleaseLien(ctx, ctx.ParseArgs(args, ReleaseLienArgs.Parser));
                break;
            default:
                throw UnknownMethod(method);
        }

        return ByteString.Empty;
    }

    public override ByteString Query(CallContext ctx, string method, ByteString args)
    {
        switch (method)
        {
            case LandMethods.GetParcel:
                return RequireParcel(ctx, ctx.ParseArgs(args, GetParcelArgs.Parser).ParcelId).ToByteString();
            case LandMethods.GetHistory:
                {
                    var a = ctx.ParseArgs(args, GetParcelHistoryArgs.Parser);
                    var parcel = RequireParcel(ctx, a.ParcelId);
                    var limit = a.Limit == 0 ? MaxHistoryPage : Math.Min(a.Limit, MaxHistoryPage);
                    var page = new ParcelHistoryPage { Total = parcel.HistoryLength };
                    for (var seq = a.Start; seq < parcel.HistoryLength && page.Entries.Count < limit; seq++)
                    {
                        ctx.Meter.Loop(1);
                        page.Entries.Add(ctx.Read(HistoryKey(parcel.Id, seq), ParcelHistoryEntry.Parser)
                            ?? throw new InvalidOperationException($"Parcel '{parcel.Id}' lacks history entry {seq}."));
                    }

                    return page.ToByteString();
                }

            default:
                throw UnknownQuery(method);
        }
    }

    private static void RegisterParcel(CallContext ctx, RegisterParcelArgs args)
    {
        SystemState.RequireRole(ctx, Roles.LandRegistrar);
        Identifiers.RequireId(args.ParcelId, "parcel_id");
        Identifiers.RequireKey(args.Owner, "owner");
        Identifiers.RequireHash(args.DescriptionHash, "description_hash");
        Identifiers.RequireText(args.Location, "location", MaxLocationLength);
        var key = ParcelKey(args.ParcelId);
        if (ctx.Exists(key))
        {
            throw new ContractException(ResultCode.AlreadyExists, $"parcel '{args.ParcelId}' is already registered");
        }

        var parcel = new Parcel
        {
            Id = args.ParcelId,
            Owner = args.Owner,
            DescriptionHash = args.DescriptionHash,
            AreaM2 = args.AreaM2,
            Location = args.Location,
            RegisteredHeight = ctx.Block.Height,
        };
        AppendHistory(ctx, parcel, ParcelHistoryKind.Registered, parcel.Owner, string.Empty);
        ctx.Write(key, parcel);
        ctx.Emit(ContractNames.Land, "parcel_registered", ("parcel", parcel.Id), ("owner", Identifiers.KeyHex(parcel.Owner)));
    }

    private static void OfferTransfer(CallContext ctx, OfferTransferArgs args)
    {
        var parcel = RequireParcel(ctx, args.ParcelId);
        if (!parcel.Owner.Equals(ctx.Sender))
        {
            throw new ContractException(ResultCode.Unauthorized, $"only the owner may offer parcel '{parcel.Id}'");
        }

        Identifiers.RequireKey(args.Buyer, "buyer");
        if (args.Buyer.Equals(parcel.Owner))
        {
            throw new ContractException(ResultCode.InvalidArgument, "the buyer is already the owner");
        }

        RequireNoLiens(parcel);
        if (parcel.Offer is not null)
        {
            throw new ContractException(ResultCode.InvalidState, $"parcel '{parcel.Id}' already has a pending transfer; cancel it first");
        }

        parcel.Offer = new TransferOffer { Buyer = args.Buyer, Price = args.Price, OfferedHeight = ctx.Block.Height };
        AppendHistory(ctx, parcel, ParcelHistoryKind.TransferOffered, parcel.Owner, Identifiers.KeyHex(args.Buyer));
        ctx.Write(ParcelKey(parcel.Id), parcel);
        ctx.Emit(ContractNames.Land, "transfer_offered", ("parcel", parcel.Id), ("buyer", Identifiers.KeyHex(args.Buyer)));
    }

    private static void AcceptTransfer(CallContext ctx, AcceptTransferArgs args)
    {
        var parcel = RequireParcel(ctx, args.ParcelId);
        var offer = parcel.Offer ?? throw new ContractException(ResultCode.InvalidState, $"parcel '{parcel.Id}' has no pending transfer");
        if (!offer.Buyer.Equals(ctx.Sender))
        {
            throw new ContractException(ResultCode.Unauthorized, $"only the buyer named in the offer may accept parcel '{parcel.Id}'");
        }

        if (offer.Accepted)
        {
            throw new ContractException(ResultCode.InvalidState, $"the transfer of parcel '{parcel.Id}' is already accepted");
        }

        offer.Accepted = true;
        offer.AcceptedHeight = ctx.Block.Height;
        AppendHistory(ctx, parcel, ParcelHistoryKind.TransferAccepted, parcel.Owner, Identifiers.KeyHex(offer.Buyer));
        ctx.Write(ParcelKey(parcel.Id), parcel);
        ctx.Emit(ContractNames.Land, "transfer_accepted", ("parcel", parcel.Id));
    }

    private static void ApproveTransfer(CallContext ctx, ApproveTransferArgs args)
    {
        SystemState.RequireRole(ctx, Roles.LandRegistrar);
        var parcel = RequireParcel(ctx, args.ParcelId);
        var offer = parcel.Offer ?? throw new ContractException(ResultCode.InvalidState, $"parcel '{parcel.Id}' has no pending transfer");
        if (!offer.Accepted)
        {
            throw new ContractException(ResultCode.InvalidState, $"the buyer has not accepted the transfer of parcel '{parcel.Id}'");
        }

        // A lien registered after the offer still blocks the transfer.
        RequireNoLiens(parcel);
        var from = parcel.Owner;
        parcel.Owner = offer.Buyer;
        parcel.Offer = null;
        AppendHistory(ctx, parcel, ParcelHistoryKind.Transferred, from, offer.Price.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ctx.Write(ParcelKey(parcel.Id), parcel);
        ctx.Emit(ContractNames.Land, "parcel_transferred", ("parcel", parcel.Id), ("from", Identifiers.KeyHex(from)), ("to", Identifiers.KeyHex(parcel.Owner)));
    }

    private static void CancelTransfer(CallContext ctx, CancelTransferArgs args)
    {
        var parcel = RequireParcel(ctx, args.ParcelId);
        var offer = parcel.Offer ?? throw new ContractException(ResultCode.InvalidState, $"parcel '{parcel.Id}' has no pending transfer");
        var party = parcel.Owner.Equals(ctx.Sender) || offer.Buyer.Equals(ctx.Sender);
        if (!party)
        {
            SystemState.RequireRole(ctx, Roles.LandRegistrar);
        }

        parcel.Offer = null;
        AppendHistory(ctx, parcel, ParcelHistoryKind.TransferCancelled, parcel.Owner, Identifiers.KeyHex(offer.Buyer));
        ctx.Write(ParcelKey(parcel.Id), parcel);
        ctx.Emit(ContractNames.Land, "transfer_cancelled", ("parcel", parcel.Id));
    }

    private static void AppendHistory(CallContext ctx, Parcel parcel, ParcelHistoryKind kind, ByteString from, string detail)
    {
        var entry = new ParcelHistoryEntry
        {
            Sequence = parcel.HistoryLength,
            Height = ctx.Block.Height,
            TimeUnixMs = ctx.Block.TimeUnixMs,
            TxId = ctx.TxId,
            Kind = kind,
            Actor = ctx.Sender,
            FromOwner = from,
            ToOwner = parcel.Owner,
            Detail = detail,
        };
        ctx.Write(HistoryKey(parcel.Id, entry.Sequence), entry);
        parcel.HistoryLength++;
    }

    private static void RequireNoLiens(Parcel parcel)
    {
        if (parcel.Liens.Count > 0)
        {
            throw new ContractException(ResultCode.InvalidState, $"parcel '{parcel.Id}' has {parcel.Liens.Count} active lien(s) ('{parcel.Liens[0].Id}' first); they must be released before a transfer");
        }
    }

    private static Parcel RequireParcel(CallContext ctx, string id)
    {
        Identifiers.RequireId(id, "parcel_id");
        return ctx.Read(ParcelKey(id), Parcel.Parser)
            ?? throw new ContractException(ResultCode.NotFound, $"no parcel '{id}'");
    }
}

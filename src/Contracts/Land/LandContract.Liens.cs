using GovChain.Contracts.Engine;
using GovChain.Contracts.SystemContract;
using GovChain.Protocol.Land;

namespace GovChain.Contracts.Land;

/// <summary>Liens: registered by a land.bank holder, released by that holder or its department's banks.</summary>
internal sealed partial class LandContract
{
    private static void RegisterLien(CallContext ctx, RegisterLienArgs args)
    {
        var grant = SystemState.RequireRole(ctx, Roles.LandBank);
        Identifiers.RequireId(args.LienId, "lien_id");
        var parcel = RequireParcel(ctx, args.ParcelId);
        if (parcel.Liens.Count >= MaxLiensPerParcel)
        {
            throw new ContractException(ResultCode.LimitExceeded, $"parcel '{parcel.Id}' already has {MaxLiensPerParcel} liens");
        }

        ctx.Meter.Loop(parcel.Liens.Count);
        var at = 0;
        while (at < parcel.Liens.Count && string.CompareOrdinal(parcel.Liens[at].Id, args.LienId) < 0)
        {
            at++;
        }

        if (at < parcel.Liens.Count && parcel.Liens[at].Id == args.LienId)
        {
            throw new ContractException(ResultCode.AlreadyExists, $"parcel '{parcel.Id}' already has lien '{args.LienId}'");
        }

        parcel.Liens.Insert(at, new Lien
        {
            Id = args.LienId,
            Holder = ctx.Sender,
            DepartmentId = grant.DepartmentId,
            Amount = args.Amount,
            RegisteredHeight = ctx.Block.Height,
        });
        AppendHistory(ctx, parcel, ParcelHistoryKind.LienRegistered, parcel.Owner, args.LienId);
        ctx.Write(ParcelKey(parcel.Id), parcel);
        ctx.Emit(ContractNames.Land, "lien_registered", ("parcel", parcel.Id), ("lien", args.LienId), ("department", grant.DepartmentId));
    }

    private static void ReleaseLien(CallContext ctx, ReleaseLienArgs args)
    {
        var grant = SystemState.RequireRole(ctx, Roles.LandBank);
        Identifiers.RequireId(args.LienId, "lien_id");
        var parcel = RequireParcel(ctx, args.ParcelId);
        ctx.Meter.Loop(parcel.Liens.Count);
        var index = -1;
        for (var i = 0; i < parcel.Liens.Count; i++)
        {
            if (parcel.Liens[i].Id == args.LienId)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new ContractException(ResultCode.NotFound, $"parcel '{parcel.Id}' has no lien '{args.LienId}'");
        }

        var lien = parcel.Liens[index];
        if (!lien.Holder.Equals(ctx.Sender) && !string.Equals(lien.DepartmentId, grant.DepartmentId, StringComparison.Ordinal))
        {
            throw new ContractException(ResultCode.Unauthorized, $"lien '{lien.Id}' belongs to department '{lien.DepartmentId}'");
        }

        parcel.Liens.RemoveAt(index);
        AppendHistory(ctx, parcel, ParcelHistoryKind.LienReleased, parcel.Owner, args.LienId);
        ctx.Write(ParcelKey(parcel.Id), parcel);
        ctx.Emit(ContractNames.Land, "lien_released", ("parcel", parcel.Id), ("lien", args.LienId));
    }
}

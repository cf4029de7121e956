using Google.Protobuf;
using GovChain.Protocol.Land;

namespace GovChain.Client.Registries;

/// <summary>The <c>land</c> registry: parcels, transfers (offer, accept, registrar's approval), liens, history.</summary>
public static class LandRegistry
{
    public const string Contract = "land";

    public static class Methods
    {
        public const string RegisterParcel = "register_parcel";
        public const string OfferTransfer = "offer_transfer";
        public const string AcceptTransfer = "accept_transfer";
        public const string ApproveTransfer = "approve_transfer";
        public const string CancelTransfer = "cancel_transfer";
        public const string RegisterLien = "register_lien";
        public const string ReleaseLien = "release_lien";
        public const string GetParcel = "get_parcel";
        public const string GetHistory = "get_history";
    }

    /// <summary>Signed by a land registrar.</summary>
    public static ContractCall RegisterParcel(string parcelId, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> descriptionHash, ulong areaM2, string location = "") =>
        new(Contract, Methods.RegisterParcel, new RegisterParcelArgs
        {
            ParcelId = parcelId,
            Owner = ByteString.CopyFrom(owner),
            DescriptionHash = ByteString.CopyFrom(descriptionHash),
            AreaM2 = areaM2,
            Location = location,
        });

    /// <summary>Signed by the owner.</summary>
    public static ContractCall OfferTransfer(string parcelId, ReadOnlySpan<byte> buyer, ulong price) =>
        new(Contract, Methods.OfferTransfer, new OfferTransferArgs { ParcelId = parcelId, Buyer = ByteString.CopyFrom(buyer), Price = price });

    /// <summary>Signed by the buyer.</summary>
    public static ContractCall AcceptTransfer(string parcelId) =>
        new(Contract, Methods.AcceptTransfer, new AcceptTransferArgs { ParcelId = parcelId });

    /// <summary>Signed by a land registrar; completes the transfer.</summary>
    public static ContractCall ApproveTransfer(string parcelId) =>
        new(Contract, Methods.ApproveTransfer, new ApproveTransferArgs { ParcelId = parcelId });

    public static ContractCall CancelTransfer(string parcelId) =>
        new(Contract, Methods.CancelTransfer, new CancelTransferArgs { ParcelId = parcelId });

    /// <summary>Signed by a bank holding the land.bank role.</summary>
    public static ContractCall RegisterLien(string parcelId, string lienId, ulong amount) =>
        new(Contract, Methods.RegisterLien, new RegisterLienArgs { ParcelId = parcelId, LienId = lienId, Amount = amount });

    public static ContractCall ReleaseLien(string parcelId, string lienId) =>
        new(Contract, Methods.ReleaseLien, new ReleaseLienArgs { ParcelId = parcelId, LienId = lienId });

    public static ContractQuery<Parcel> GetParcel(string parcelId) =>
        new(Contract, Methods.GetParcel, new GetParcelArgs { ParcelId = parcelId }, Parcel.Parser);

    public static ContractQuery<ParcelHistoryPage> GetHistory(string parcelId, ulong start = 0, uint limit = 0) =>
        new(Contract, Methods.GetHistory, new GetParcelHistoryArgs { ParcelId = parcelId, Start = start, Limit = limit }, ParcelHistoryPage.Parser);
}

using Google.Protobuf;
using GovChain.Protocol.Land;

namespace GovChain;

/// <summary>Builders for the <c>land</c> contract's calls and queries.</summary>
public static class LandCalls
{
    /// <summary>Signed by a land registrar.</summary>
    public static ContractCall RegisterParcel(string parcelId, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> descriptionHash, ulong areaM2, string location = "") =>
        new(ContractNames.Land, LandMethods.RegisterParcel, new RegisterParcelArgs
        {
            ParcelId = parcelId,
            Owner = ByteString.CopyFrom(owner),
            DescriptionHash = ByteString.CopyFrom(descriptionHash),
            AreaM2 = areaM2,
            Location = location,
        });

    /// <summary>Signed by the owner.</summary>
    public static ContractCall OfferTransfer(string parcelId, ReadOnlySpan<byte> buyer, ulong price) =>
        new(ContractNames.Land, LandMethods.OfferTransfer, new OfferTransferArgs { ParcelId = parcelId, Buyer = ByteString.CopyFrom(buyer), Price = price });

    /// <summary>Signed by the buyer.</summary>
    public static ContractCall AcceptTransfer(string parcelId) =>
        new(ContractNames.Land, LandMethods.AcceptTransfer, new AcceptTransferArgs { ParcelId = parcelId });

    /// <summary>Signed by a land registrar; completes the transfer.</summary>
    public static ContractCall ApproveTransfer(string parcelId) =>
        new(ContractNames.Land, LandMethods.ApproveTransfer, new ApproveTransferArgs { ParcelId = parcelId });

    public static ContractCall CancelTransfer(string parcelId) =>
        new(ContractNames.Land, LandMethods.CancelTransfer, new CancelTransferArgs { ParcelId = parcelId });

    /// <summary>Signed by a bank holding the land.bank role.</summary>
    public static ContractCall RegisterLien(string parcelId, string lienId, ulong amount) =>
        new(ContractNames.Land, LandMethods.RegisterLien, new RegisterLienArgs { ParcelId = parcelId, LienId = lienId, Amount = amount });

    public static ContractCall ReleaseLien(string parcelId, string lienId) =>
        new(ContractNames.Land, LandMethods.ReleaseLien, new ReleaseLienArgs { ParcelId = parcelId, LienId = lienId });

    public static ContractQuery<Parcel> GetParcel(string parcelId) =>
        new(ContractNames.Land, LandMethods.GetParcel, new GetParcelArgs { ParcelId = parcelId }, Parcel.Parser);

    public static ContractQuery<ParcelHistoryPage> GetHistory(string parcelId, ulong start = 0, uint limit = 0) =>
        new(ContractNames.Land, LandMethods.GetHistory, new GetParcelHistoryArgs { ParcelId = parcelId, Start = start, Limit = limit }, ParcelHistoryPage.Parser);
}

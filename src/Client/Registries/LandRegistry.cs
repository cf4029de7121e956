using GovChain.Protocol.Land;

namespace GovChain.Client.Registries;

/// <summary>
/// The <c>land</c> registry: parcels, transfers (offer, accept, registrar's approval), liens, history.
/// The SDK's names for the one set of builders the engine uses too (<see cref="LandCalls"/>).
/// </summary>
public static class LandRegistry
{
    public const string Contract = ContractNames.Land;

    public static class Methods
    {
        public const string RegisterParcel = LandMethods.RegisterParcel;
        public const string OfferTransfer = LandMethods.OfferTransfer;
        public const string AcceptTransfer = LandMethods.AcceptTransfer;
        public const string ApproveTransfer = LandMethods.ApproveTransfer;
        public const string CancelTransfer = LandMethods.CancelTransfer;
        public const string RegisterLien = LandMethods.RegisterLien;
        public const string ReleaseLien = LandMethods.ReleaseLien;
        public const string GetParcel = LandMethods.GetParcel;
        public const string GetHistory = LandMethods.GetHistory;
    }

    /// <inheritdoc cref="LandCalls.RegisterParcel"/>
    public static ContractCall RegisterParcel(string parcelId, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> descriptionHash, ulong areaM2, string location = "") =>
        LandCalls.RegisterParcel(parcelId, owner, descriptionHash, areaM2, location);

    /// <inheritdoc cref="LandCalls.OfferTransfer"/>
    public static ContractCall OfferTransfer(string parcelId, ReadOnlySpan<byte> buyer, ulong price) => LandCalls.OfferTransfer(parcelId, buyer, price);

    /// <inheritdoc cref="LandCalls.AcceptTransfer"/>
    public static ContractCall AcceptTransfer(string parcelId) => LandCalls.AcceptTransfer(parcelId);

    /// <inheritdoc cref="LandCalls.ApproveTransfer"/>
    public static ContractCall ApproveTransfer(string parcelId) => LandCalls.ApproveTransfer(parcelId);

    public static ContractCall CancelTransfer(string parcelId) => LandCalls.CancelTransfer(parcelId);

    /// <inheritdoc cref="LandCalls.RegisterLien"/>
    public static ContractCall RegisterLien(string parcelId, string lienId, ulong amount) => LandCalls.RegisterLien(parcelId, lienId, amount);

    public static ContractCall ReleaseLien(string parcelId, string lienId) => LandCalls.ReleaseLien(parcelId, lienId);

    public static ContractQuery<Parcel> GetParcel(string parcelId) => LandCalls.GetParcel(parcelId);

    public static ContractQuery<ParcelHistoryPage> GetHistory(string parcelId, ulong start = 0, uint limit = 0) => LandCalls.GetHistory(parcelId, start, limit);
}

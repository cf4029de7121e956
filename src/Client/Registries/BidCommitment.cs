namespace GovChain.Client.Registries;

/// <summary>
/// The sealed-bid commitment, computed on the bidder's side so the amount never leaves it
/// before the reveal. The SDK's name for the engine's own computation (<see cref="BidCommitments"/>).
/// </summary>
public static class BidCommitment
{
    public const int MinSaltBytes = BidCommitments.MinSaltBytes;
    public const int MaxSaltBytes = BidCommitments.MaxSaltBytes;

    /// <inheritdoc cref="BidCommitments.Compute"/>
    public static byte[] Compute(string tenderId, ReadOnlySpan<byte> bidder, ulong amount, ReadOnlySpan<byte> salt) =>
        BidCommitments.Compute(tenderId, bidder, amount, salt);

    /// <inheritdoc cref="BidCommitments.NewSalt"/>
    public static byte[] NewSalt() => BidCommitments.NewSalt();
}

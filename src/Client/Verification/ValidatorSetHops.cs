using GovChain.Core.Blocks;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Client.Verification;

/// <summary>
/// The light-client walk from the genesis validator set to the set that certifies a proof's
/// block: each hop is a block certified by more than 2/3 of the power of the set trusted so far
/// whose header names the next set, and that next set. Trust moves only along certified hops,
/// so a proof still verifies against the genesis file after every genesis key has been rotated
/// away, and a hop left out or made up breaks the chain at a named place.
/// </summary>
public static class ValidatorSetHops
{
    /// <summary>More changes than a chain makes in decades; bounds the work a hostile proof can ask for.</summary>
    public const int MaxHops = 4096;

    /// <summary>Far more departments than a government has; bounds the size of one set before it is decoded.</summary>
    public const int MaxValidators = 1024;

    /// <summary>
    /// The set trusted to certify <paramref name="height"/> after walking <paramref name="hops"/> from
    /// the genesis set, or null and the reason. The structure of every hop (order, heights, set hashes)
    /// is checked before any signature — and, when <paramref name="blockSet"/> is given, that the walk
    /// ends at the set the proven block names; then each hop's certificate against the set before it.
    /// </summary>
    public static WeightedValidatorSet? Walk(GenesisDocument genesis, IReadOnlyList<ValidatorSetHop> hops, ulong height, out string problem, Hash32? blockSet = null)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(hops);
        if (hops.Count > MaxHops)
        {
            problem = $"the proof carries {hops.Count} validator-set changes; at most {MaxHops} are accepted";
            return null;
        }

        // The set each hop moves to; sets[0] is the genesis set, sets[i + 1] the one hop i names.
        var sets = new WeightedValidatorSet[hops.Count + 1];
        sets[0] = genesis.Validators;
        ulong previousHeight = 0;
        for (var i = 0; i < hops.Count; i++)
        {
            var structural = CheckStructure(genesis.ChainId, hops[i], i + 1, previousHeight, height, sets[i], out var next);
            if (structural is not null)
            {
                problem = structural;
                return null;
            }

            sets[i + 1] = next!;
            previousHeight = hops[i].Header.Height;
        }

        if (blockSet is { } named && sets[^1].Hash != named)
        {
            problem = hops.Count == 0
                ? $"the block is certified by validator set {named.ToShortString()}, not the genesis set, and the proof carries no validator-set changes to reach it from genesis"
                : $"the block is certified by validator set {named.ToShortString()}, but the set trusted at height {height} after the proof's {hops.Count} validator-set changes is {sets[^1].Hash.ToShortString()}: a change is missing from the proof";
            return null;
        }

        for (var i = 0; i < hops.Count; i++)
        {
            var hop = hops[i];
            var check = CommitCertificates.Verify(hop.Certificate, sets[i], genesis.SigningChainId, hop.Header.Height, hop.Header.Hash());
            if (!check.IsValid)
            {
                problem = $"validator-set change {i + 1} (block {hop.Header.Height}) is not certified by the validator set before it ({Trusted(i)}): {check.Reason}; the hop is forged";
                return null;
            }
        }

        problem = string.Empty;
        return sets[^1];
    }

    /// <summary>Parses a validator set named in a proof, bounded first; null and the reason when malformed.</summary>
    public static WeightedValidatorSet? ParseSet(ValidatorSet proto, out string problem)
    {
        if (proto.Validators.Count > MaxValidators)
        {
            problem = $"it has {proto.Validators.Count} validators; at most {MaxValidators} are accepted";
            return null;
        }

        try
        {
            problem = string.Empty;
            return WeightedValidatorSet.FromProto(proto);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            problem = ex.Message;
            return null;
        }
    }

    private static string? CheckStructure(string chainId, ValidatorSetHop hop, int number, ulong previousHeight, ulong proofHeight, WeightedValidatorSet trusted, out WeightedValidatorSet? next)
    {
        next = null;
        var what = $"validator-set change {number}";
        if (hop.Header is null || hop.Certificate is null || hop.NextValidators is null)
        {
            return $"{what} lacks its header, certificate or new validator set";
        }

        var header = hop.Header;
        if (!string.Equals(header.ChainId, chainId, StringComparison.Ordinal))
        {
            return $"{what} is a block of chain '{header.ChainId}', the trusted genesis is of '{chainId}'";
        }

        if (header.Height <= previousHeight)
        {
            return $"{what} is at height {header.Height}, not after the change before it (height {previousHeight}): changes must be listed oldest first, each once";
        }

        if (header.Height >= proofHeight)
        {
            return $"{what} is at height {header.Height}, not below the proven block {proofHeight}";
        }

        if (!trusted.Hash.Equals(header.ValidatorSetHash.Span))
        {
            return $"{what} (block {header.Height}) is certified by validator set {ShortHash(header.ValidatorSetHash)}, but the set trusted there is " +
                   $"{trusted.Hash.ToShortString()} ({Trusted(number - 1)}): a change before it is missing from the proof, or it is forged";
        }

        if (header.NextValidatorSetHash.Span.SequenceEqual(header.ValidatorSetHash.Span))
        {
            return $"{what} (block {header.Height}) changes nothing: its header names the same set for the next block";
        }

        next = ParseSet(hop.NextValidators, out var malformed);
        if (next is null)
        {
            return $"{what} (block {header.Height}) carries a malformed validator set: {malformed}";
        }

        return next.Hash.Equals(header.NextValidatorSetHash.Span)
            ? null
            : $"{what} (block {header.Height}) carries a validator set that is not the one its header names for the next block";
    }

    internal static string Trusted(int hopsWalked) =>
        hopsWalked == 0 ? "the genesis set" : $"the set after change {hopsWalked}";

    internal static string ShortHash(Google.Protobuf.ByteString hash) =>
        hash.Length >= 4 ? Hex.Encode(hash.Span[..4]) : "(malformed)";
}

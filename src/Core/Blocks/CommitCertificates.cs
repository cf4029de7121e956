using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Core.Blocks;

/// <summary>The outcome of checking a commit certificate: valid, or the reason it is not.</summary>
public readonly record struct CertificateCheck(bool IsValid, string Reason, ulong SignedPower)
{
    public static CertificateCheck Invalid(string reason) => new(false, reason, 0);
}

/// <summary>Checks one Ed25519 signature; injectable so simulators can stand in a cheaper check.</summary>
public delegate bool SignatureCheck(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

/// <summary>Builds and verifies commit certificates.</summary>
public static class CommitCertificates
{
    /// <summary>
    /// Checks that validators of <paramref name="validators"/> holding more than 2/3 of the
    /// voting power precommitted <paramref name="blockHash"/> at the certificate's height and
    /// round: every signature valid, no validator counted twice, no outsider.
    /// </summary>
    public static CertificateCheck Verify(
        CommitCertificate certificate, WeightedValidatorSet validators, string chainId, ulong height, in Hash32 blockHash) =>
        Verify(certificate, validators, chainId, height, blockHash, Ed25519.Verify);

    /// <summary>The same rules as the overload above, with <paramref name="checkSignature"/> in place of Ed25519.</summary>
    public static CertificateCheck Verify(
        CommitCertificate certificate, WeightedValidatorSet validators, string chainId, ulong height, in Hash32 blockHash, SignatureCheck checkSignature)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(checkSignature);
        if (certificate.Height != height)
        {
            return CertificateCheck.Invalid($"certificate is for height {certificate.Height}, expected {height}");
        }

        if (!blockHash.Equals(certificate.BlockHash.Span))
        {
            return CertificateCheck.Invalid("certificate is for another block hash");
        }

        if (certificate.Signatures.Count > validators.Count)
        {
            return CertificateCheck.Invalid("certificate has more signatures than there are validators");
        }

        Span<byte> signBytes = stackalloc byte[SignBytes.MaxVoteSignBytes];
        var n = SignBytes.Vote(chainId, VoteType.Precommit, certificate.Height, certificate.Round, certificate.BlockHash.Span, signBytes);
        signBytes = signBytes[..n];

        var seen = new bool[validators.Count];
        ulong power = 0;
        foreach (var sig in certificate.Signatures)
        {
            if (!validators.TryGetIndex(sig.Validator.Span, out var index))
            {
                return CertificateCheck.Invalid($"signer {ShortKey(sig.Validator.Span)} is not a validator");
            }

            if (seen[index])
            {
                return CertificateCheck.Invalid($"validator {validators[index].DepartmentId} signed twice");
            }

            seen[index] = true;
            if (!checkSignature(sig.Validator.Span, signBytes, sig.Signature.Span))
            {
                return CertificateCheck.Invalid($"signature of {validators[index].DepartmentId} does not verify");
            }

            power += validators[index].VotingPower;
        }

        return validators.HasQuorum(power)
            ? new CertificateCheck(true, string.Empty, power)
            : new CertificateCheck(false, $"signers hold {power} of {validators.TotalPower} voting power; more than 2/3 ({validators.QuorumPower}) is needed", power);
    }

    /// <summary>Gathers precommits for one block into a certificate (the caller ensures they are valid).</summary>
    public static CommitCertificate FromPrecommits(ulong height, uint round, in Hash32 blockHash, IEnumerable<Vote> precommits)
    {
        ArgumentNullException.ThrowIfNull(precommits);
        var cert = new CommitCertificate
        {
            Height = height,
            Round = round,
            BlockHash = Google.Protobuf.ByteString.CopyFrom(blockHash.ToArray()),
        };

        // Canonical order (by validator key) so every node derives the same certificate bytes from the same votes.
        foreach (var vote in precommits.OrderBy(v => new Hash32(v.Validator.Span)))
        {
            cert.Signatures.Add(new CommitSignature { Validator = vote.Validator, Signature = vote.Signature });
        }

        return cert;
    }

    private static string ShortKey(ReadOnlySpan<byte> key) =>
        key.Length >= 4 ? Hex.Encode(key[..4]) : "(malformed key)";
}

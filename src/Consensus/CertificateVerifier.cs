using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// Commit certificate checks with an injected signature verifier: the same rules as
/// <see cref="CommitCertificates.Verify"/> (which always uses Ed25519), for drivers and
/// simulators that verify through <see cref="ISignatureVerifier"/>.
/// </summary>
public static class CertificateVerifier
{
    public static CertificateCheck Verify(
        CommitCertificate certificate,
        WeightedValidatorSet validators,
        string chainId,
        ulong height,
        Hash32 blockHash,
        ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
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
        foreach (var signature in certificate.Signatures)
        {
            if (!validators.TryGetIndex(signature.Validator.Span, out var index))
            {
                return CertificateCheck.Invalid("a signer is not a validator");
            }

            if (seen[index])
            {
                return CertificateCheck.Invalid($"validator {validators[index].DepartmentId} signed twice");
            }

            seen[index] = true;
            if (!verifier.Verify(signature.Validator.Span, signBytes, signature.Signature.Span))
            {
                return CertificateCheck.Invalid($"signature of {validators[index].DepartmentId} does not verify");
            }

            power += validators[index].VotingPower;
        }

        return validators.HasQuorum(power)
            ? new CertificateCheck(true, string.Empty, power)
            : new CertificateCheck(false, $"signers hold {power} of {validators.TotalPower} voting power; {validators.QuorumPower} is needed", power);
    }
}

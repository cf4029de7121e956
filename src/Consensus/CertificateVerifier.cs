using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// Commit certificate checks through an injected <see cref="ISignatureVerifier"/>, for drivers
/// and simulators; the rules are Core's <see cref="CommitCertificates"/>, not a copy of them.
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
        ArgumentNullException.ThrowIfNull(verifier);
        return CommitCertificates.Verify(certificate, validators, chainId, height, blockHash, verifier.Verify);
    }
}

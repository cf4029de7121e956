using System.Text;
using Google.Protobuf;
using GovChain.Client.Verification;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Client;

public sealed partial class GovChainClient
{
    /// <summary>The inclusion proof of a committed transaction and its receipt (unverified: see <see cref="ProveTransactionAsync"/>).</summary>
    public Task<TransactionProof> GetTransactionProofAsync(Hash32 txId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var request = new GetTransactionRequest { TxId = ToBytes(txId) };
        return CallAsync(o => _api.GetTransactionProofAsync(request, o).ResponseAsync, timeout, cancellationToken);
    }

    /// <summary>The proof of a state key at <paramref name="height"/> (0 = latest), unverified: see <see cref="ProveStateAsync"/>.</summary>
    public Task<CertifiedStateProof> GetStateProofAsync(byte[] key, ulong height = 0, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new GetStateProofRequest { Key = ByteString.CopyFrom(key), Height = height };
        return CallAsync(o => _api.GetStateProofAsync(request, o).ResponseAsync, timeout, cancellationToken);
    }

    /// <summary>Fetches a transaction's proof and checks it locally against <paramref name="verifier"/>'s trusted genesis.</summary>
    public async Task<TransactionVerification> ProveTransactionAsync(
        Hash32 txId, ProofVerifier verifier, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var proof = await GetTransactionProofAsync(txId, timeout, cancellationToken).ConfigureAwait(false);
        return verifier.VerifyTransaction(proof, txId);
    }

    /// <summary>Fetches a state key's proof and checks it locally against <paramref name="verifier"/>'s trusted genesis.</summary>
    public async Task<StateVerification> ProveStateAsync(
        byte[] key, ProofVerifier verifier, ulong height = 0, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var proof = await GetStateProofAsync(key, height, timeout, cancellationToken).ConfigureAwait(false);
        return verifier.VerifyState(proof, key);
    }

    /// <summary>Same as <see cref="ProveStateAsync(byte[], ProofVerifier, ulong, TimeSpan?, CancellationToken)"/> with a readable key such as "land/parcel/P-1".</summary>
    public Task<StateVerification> ProveStateAsync(
        string key, ProofVerifier verifier, ulong height = 0, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ProveStateAsync(Encoding.UTF8.GetBytes(key), verifier, height, timeout, cancellationToken);
}

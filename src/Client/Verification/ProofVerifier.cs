using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Client.Verification;

/// <summary>
/// Checks proofs offline against a trusted genesis alone: no node is trusted. A header is
/// accepted when its commit certificate carries valid precommits of validators holding more
/// than 2/3 of the voting power of the validator set the header names — and that set is the
/// genesis set, or (after a governance change) the genesis validators among the signers still
/// hold more than 2/3 of the genesis power. Transactions, receipts and state are then checked
/// by their Merkle paths to that header. Stateless and thread-safe; the CLI reuses it.
/// </summary>
public sealed class ProofVerifier
{
    private readonly GenesisDocument _genesis;

    public ProofVerifier(GenesisDocument genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _genesis = genesis;
    }

    public string ChainId => _genesis.ChainId;

    /// <summary>Checks a header against its certificate and validator set; returns null and the reason when it is not certified.</summary>
    public CertifiedHeader? VerifyHeader(BlockHeader? header, CommitCertificate? certificate, ValidatorSet? validators, out string problem)
    {
        if (header is null || certificate is null || validators is null)
        {
            problem = "the proof lacks its header, certificate or validator set";
            return null;
        }

        if (!string.Equals(header.ChainId, _genesis.ChainId, StringComparison.Ordinal))
        {
            problem = $"the header is of chain '{header.ChainId}', the trusted genesis is of '{_genesis.ChainId}'";
            return null;
        }

        WeightedValidatorSet set;
        try
        {
            set = WeightedValidatorSet.FromProto(validators);
        }
        catch (ArgumentException ex)
        {
            problem = "the validator set is malformed: " + ex.Message;
            return null;
        }

        if (!set.Hash.Equals(header.ValidatorSetHash.Span))
        {
            problem = "the validator set given is not the one the header names";
            return null;
        }

        if (!Hash32.TryFrom(header.StateRoot.Span, out var stateRoot))
        {
            problem = "the header's state root is not 32 bytes";
            return null;
        }

        var blockHash = header.Hash();
        var check = CommitCertificates.Verify(certificate, set, _genesis.ChainId, header.Height, blockHash);
        if (!check.IsValid)
        {
            problem = "the certificate does not certify this header: " + check.Reason;
            return null;
        }

        // Every signature was checked above; here we only weigh who signed.
        var signers = new List<string>(certificate.Signatures.Count);
        ulong genesisPower = 0;
        var genesisSet = _genesis.Validators;
        foreach (var sig in certificate.Signatures)
        {
            set.TryGetIndex(sig.Validator.Span, out var i);
            signers.Add(set[i].DepartmentId);
            if (genesisSet.TryGetIndex(sig.Validator.Span, out var g))
            {
                genesisPower += genesisSet[g].VotingPower;
            }
        }

        var isGenesisSet = set.Hash == genesisSet.Hash;
        if (!isGenesisSet && !genesisSet.HasQuorum(genesisPower))
        {
            problem = $"the header's validator set differs from the genesis set, and the genesis validators who signed hold {genesisPower} of {genesisSet.TotalPower} " +
                      $"genesis voting power; more than 2/3 ({genesisSet.QuorumPower}) is needed to trust it from the genesis alone";
            return null;
        }

        signers.Sort(StringComparer.Ordinal);
        problem = string.Empty;
        return new CertifiedHeader(
            header.Height, blockHash, stateRoot, header.TimeUnixMs, signers,
            isGenesisSet ? check.SignedPower : genesisPower,
            isGenesisSet ? set.TotalPower : genesisSet.TotalPower,
            isGenesisSet);
    }

    /// <summary>Checks that a transaction and its receipt are committed in a certified block.</summary>
    public TransactionVerification VerifyTransaction(TransactionProof proof, Hash32? expectedTxId = null)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (proof.Transaction is null || proof.Receipt is null || proof.TxInclusion is null || proof.ReceiptInclusion is null)
        {
            return TransactionVerification.Fail("the proof lacks the transaction, the receipt or an inclusion path", expectedTxId ?? default);
        }

        var txId = proof.Transaction.Id();
        if (expectedTxId is { } expected && expected != txId)
        {
            return TransactionVerification.Fail($"the proof is about another transaction ({txId.ToShortString()})", expected);
        }

        var header = VerifyHeader(proof.Header, proof.Certificate, proof.Validators, out var problem);
        if (header is null)
        {
            return TransactionVerification.Fail(problem, txId);
        }

        var receipt = proof.Receipt;
        if (!txId.Equals(receipt.TxId.Span) || receipt.Height != header.Height)
        {
            return TransactionVerification.Fail("the receipt is not this transaction's receipt in this block", txId);
        }

        if (!TransactionCodec.TryParseBody(proof.Transaction.Body, out var body, out var reason))
        {
            return TransactionVerification.Fail(reason, txId);
        }

        if (body!.Sender.Length != Ed25519.PublicKeySize || !Ed25519.Verify(body.Sender.Span, proof.Transaction.Body.Span, proof.Transaction.Signature.Span))
        {
            return TransactionVerification.Fail("the transaction's signature does not verify with its sender's key", txId);
        }

        var txCount = proof.Header!.TxCount;
        var txProblem = CheckInclusion(proof.TxInclusion, txId, proof.Header.TxRoot, receipt.Index, txCount, "transaction");
        if (txProblem is not null)
        {
            return TransactionVerification.Fail(txProblem, txId);
        }

        var receiptProblem = CheckInclusion(proof.ReceiptInclusion, receipt.Hash(), proof.Header.ReceiptsRoot, receipt.Index, txCount, "receipt");
        if (receiptProblem is not null)
        {
            return TransactionVerification.Fail(receiptProblem, txId);
        }

        return new TransactionVerification(
            true, null, header, txId, receipt.Index, body.Contract, body.Method, Hex.Encode(body.Sender.Span), body.Nonce, receipt.Code, receipt.Message);
    }

    /// <summary>Checks that <paramref name="expectedKey"/> holds the proof's value (or none) in the state of a certified block.</summary>
    public StateVerification VerifyState(CertifiedStateProof proof, ReadOnlySpan<byte> expectedKey)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var key = expectedKey.ToArray();
        if (proof.Proof is null)
        {
            return StateVerification.Fail("the answer carries no state proof", key);
        }

        var header = VerifyHeader(proof.Header, proof.Certificate, proof.Validators, out var problem);
        if (header is null)
        {
            return StateVerification.Fail(problem, key);
        }

        if (proof.Proof.Height != header.Height)
        {
            return StateVerification.Fail($"the state proof is for height {proof.Proof.Height}, the header for {header.Height}", key);
        }

        var check = StateProofVerifier.Verify(proof.Proof, expectedKey, header.StateRoot);
        return check.IsValid
            ? new StateVerification(true, null, header, key, check.Exists, check.Value)
            : StateVerification.Fail("the state proof does not hold under the header's state root: " + check.Reason, key);
    }

    private static string? CheckInclusion(MerkleProof proto, in Hash32 leaf, Google.Protobuf.ByteString rootBytes, uint index, uint count, string what)
    {
        MerkleAuditPath path;
        try
        {
            path = MerkleAuditPath.FromProto(proto);
        }
        catch (FormatException ex)
        {
            return $"the {what} inclusion path is malformed: {ex.Message}";
        }

        if (path.LeafIndex != index || path.TreeSize != count)
        {
            return $"the {what} inclusion path is for leaf {path.LeafIndex} of {path.TreeSize}, not {index} of the block's {count}";
        }

        if (!Hash32.TryFrom(rootBytes.Span, out var root) || !path.VerifyHashLeaf(leaf, root))
        {
            return $"the {what} is not included under the header's {what} root";
        }

        return null;
    }
}

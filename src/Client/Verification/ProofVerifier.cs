using System.Globalization;
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
/// than 2/3 of the voting power of the validator set trusted at its height: the genesis set,
/// carried forward by the proof's validator-set hops (each a block certified by more than 2/3
/// of the set before it, naming the next set). Transactions, receipts and state are then
/// checked by their Merkle paths to that header. With a maximum age, a header older than that
/// is refused. Stateless and thread-safe; the CLI reuses it.
/// </summary>
public sealed class ProofVerifier
{
    private readonly GenesisDocument _genesis;
    private readonly TimeSpan? _maxAge;
    private readonly TimeProvider _clock;

    public ProofVerifier(GenesisDocument genesis)
        : this(genesis, maxAge: null)
    {
    }

    /// <summary>
    /// A verifier that also refuses a proof whose block is older than <paramref name="maxAge"/>
    /// by <paramref name="clock"/> (the system clock when null): a record proven as of long ago
    /// may since have changed.
    /// </summary>
    public ProofVerifier(GenesisDocument genesis, TimeSpan? maxAge, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        if (maxAge is { } age && age <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAge), maxAge, "A maximum age is positive.");
        }

        _genesis = genesis;
        _maxAge = maxAge;
        _clock = clock ?? TimeProvider.System;
    }

    public string ChainId => _genesis.ChainId;

    /// <summary>The oldest block a proof may stand on, or null when any age is accepted.</summary>
    public TimeSpan? MaxAge => _maxAge;

    /// <summary>Checks a header certified by the genesis set; see the overload with hops for one after validator-set changes.</summary>
    public CertifiedHeader? VerifyHeader(BlockHeader? header, CommitCertificate? certificate, ValidatorSet? validators, out string problem) =>
        VerifyHeader(header, certificate, validators, [], out problem);

    /// <summary>
    /// Checks a header against its certificate, walking <paramref name="hops"/> (oldest first) from
    /// the genesis set to the set that certifies it; returns null and the reason when it is not certified.
    /// </summary>
    public CertifiedHeader? VerifyHeader(BlockHeader? header, CommitCertificate? certificate, ValidatorSet? validators, IReadOnlyList<ValidatorSetHop> hops, out string problem)
    {
        ArgumentNullException.ThrowIfNull(hops);
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

        var set = ValidatorSetHops.ParseSet(validators, out var malformed);
        if (set is null)
        {
            problem = "the validator set is malformed: " + malformed;
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

        if (_maxAge is { } maxAge)
        {
            var time = CertifiedHeader.TimeOf(header.TimeUnixMs);
            var age = _clock.GetUtcNow() - time;
            if (age > maxAge)
            {
                problem = string.Create(
                    CultureInfo.InvariantCulture,
                    $"the proof is of block {header.Height} of {time:yyyy-MM-dd HH:mm:ss}Z, {Describe(age)} old; at most {Describe(maxAge)} is accepted");
                return null;
            }
        }

        // Hops before this header's own certificate: they decide which set must have signed it.
        if (ValidatorSetHops.Walk(_genesis, hops, header.Height, out var hopProblem, set.Hash) is null)
        {
            problem = hopProblem;
            return null;
        }

        var blockHash = header.Hash();
        var check = CommitCertificates.Verify(certificate, set, _genesis.SigningChainId, header.Height, blockHash);
        if (!check.IsValid)
        {
            problem = "the certificate does not certify this header: " + check.Reason;
            return null;
        }

        var signers = new List<string>(certificate.Signatures.Count);
        foreach (var sig in certificate.Signatures)
        {
            set.TryGetIndex(sig.Validator.Span, out var i);
            signers.Add(set[i].DepartmentId);
        }

        signers.Sort(StringComparer.Ordinal);
        problem = string.Empty;
        return new CertifiedHeader(
            header.Height, blockHash, stateRoot, header.TimeUnixMs, signers, check.SignedPower, set.TotalPower, set.Hash == _genesis.Validators.Hash, hops.Count);
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

        var header = VerifyHeader(proof.Header, proof.Certificate, proof.Validators, proof.ValidatorSetHops, out var problem);
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

        var header = VerifyHeader(proof.Header, proof.Certificate, proof.Validators, proof.ValidatorSetHops, out var problem);
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

    private static string Describe(TimeSpan span) => span switch
    {
        { TotalDays: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.#} days"),
        { TotalHours: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} hours"),
        { TotalMinutes: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} minutes"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} seconds"),
    };

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

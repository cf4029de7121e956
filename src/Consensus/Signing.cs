using GovChain.Core.Crypto;

namespace GovChain.Consensus;

/// <summary>
/// The validator's signing key as the state machine sees it. Ed25519 is deterministic, so
/// signing inside the machine keeps it a pure function of its inputs; the interface lets a
/// simulator substitute a cheap deterministic scheme for most of its runs.
/// </summary>
public interface IConsensusSigner
{
    /// <summary>The 32-byte public key; it identifies the validator in the validator set.</summary>
    ReadOnlySpan<byte> PublicKey { get; }

    /// <summary>Writes the 64-byte signature of <paramref name="message"/> into <paramref name="signature"/>.</summary>
    void Sign(ReadOnlySpan<byte> message, Span<byte> signature);
}

/// <summary>Checks signatures of votes, proposals and certificates received from other validators.</summary>
public interface ISignatureVerifier
{
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);
}

/// <summary>The production signer: the validator's Ed25519 key (NSec).</summary>
public sealed class Ed25519ConsensusSigner : IConsensusSigner
{
    private readonly KeyPair _key;

    /// <summary>Signs with <paramref name="key"/>; the caller keeps ownership and disposes it.</summary>
    public Ed25519ConsensusSigner(KeyPair key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
    }

    public ReadOnlySpan<byte> PublicKey => _key.PublicKey;

    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) => _key.Sign(message, signature);
}

/// <summary>The production verifier: Ed25519 (NSec; imported keys of known signers are reused).</summary>
public sealed class Ed25519SignatureVerifier : ISignatureVerifier
{
    public static Ed25519SignatureVerifier Instance { get; } = new();

    private Ed25519SignatureVerifier()
    {
    }

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Ed25519.Verify(publicKey, message, signature);
}
